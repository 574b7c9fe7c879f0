/**
 * Default reason phrases (RFC 9110 §15 and the registrations it cites).
 * A reason-phrase is advisory (RFC 9112 §4: "A client SHOULD ignore the
 * reason-phrase content"); these are only what we send when the caller
 * gives none.
 */

/** Default reason phrase per status code. */
export const REASON_PHRASES: Readonly<Record<number, string>> = Object.freeze({
  100: "Continue", // RFC 9110 §15.2.1
  101: "Switching Protocols", // RFC 9110 §15.2.2
  102: "Processing", // RFC 2518 §10.1
  103: "Early Hints", // RFC 8297 §2
  200: "OK", // RFC 9110 §15.3.1
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  207: "Multi-Status", // RFC 4918 §11.1
  208: "Already Reported", // RFC 5842 §7.1
  226: "IM Used", // RFC 3229 §10.4.1
  300: "Multiple Choices", // RFC 9110 §15.4.1
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  305: "Use Proxy",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request", // RFC 9110 §15.5.1
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  421: "Misdirected Request",
  422: "Unprocessable Content",
  423: "Locked", // RFC 4918 §11.3
  424: "Failed Dependency", // RFC 4918 §11.4
  425: "Too Early", // RFC 8470 §5.2
  426: "Upgrade Required", // RFC 9110 §15.5.22
  428: "Precondition Required", // RFC 6585 §3
  429: "Too Many Requests", // RFC 6585 §4
  431: "Request Header Fields Too Large", // RFC 6585 §5
  451: "Unavailable For Legal Reasons", // RFC 7725 §3
  500: "Internal Server Error", // RFC 9110 §15.6.1
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  506: "Variant Also Negotiates", // RFC 2295 §8.1
  507: "Insufficient Storage", // RFC 4918 §11.5
  508: "Loop Detected", // RFC 5842 §7.2
  511: "Network Authentication Required", // RFC 6585 §6
});
