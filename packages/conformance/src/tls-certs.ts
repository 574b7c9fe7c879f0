/**
 * Test certificates, made fresh at test time with the `openssl` binary into
 * a temporary directory (nothing that expires is committed). Node, Bun and
 * Deno all run this through `node:child_process` and `node:fs`.
 *
 * What is made (EC P-256 keys, valid for two days):
 *
 * | file           | what                                                             |
 * |----------------|------------------------------------------------------------------|
 * | `ca`           | a CA the tests trust explicitly (never the system store)         |
 * | `server`       | signed by `ca`: DNS `localhost`, IP `127.0.0.1` and `::1`        |
 * | `nameless`     | signed by `ca`: DNS `other.test` only (a name mismatch for local tests) |
 * | `client`       | signed by `ca`, for client authentication (mutual TLS)           |
 * | `strangerCa`   | a second CA nobody trusts; `stranger` is signed by it (localhost) |
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A certificate and its key, as PEM text (and the files they are in). */
export interface CertPair {
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Everything {@link makeTestCertificates} makes. */
export interface TestCertificates {
  readonly dir: string;
  readonly ca: CertPair;
  readonly server: CertPair;
  readonly nameless: CertPair;
  readonly client: CertPair;
  readonly strangerCa: CertPair;
  readonly stranger: CertPair;
  /** Removes the directory. */
  remove(): void;
}

/** Where openssl is, or a clear failure saying how to get it. */
function openssl(args: string[], cwd: string): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const e = error as { code?: string; stderr?: Uint8Array };
    if (e.code === "ENOENT") {
      throw new Error(
        "TLS tests need the `openssl` binary to make certificates at test time " +
          "(apt-get install -y openssl, or brew install openssl)",
      );
    }
    const detail = e.stderr === undefined ? "" : new TextDecoder().decode(e.stderr);
    throw new Error(`openssl ${args[0]} failed: ${detail}`);
  }
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function pair(dir: string, name: string): CertPair {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return {
    cert: readFileSync(certFile, "utf8"),
    key: readFileSync(keyFile, "utf8"),
    certFile,
    keyFile,
  };
}

function makeCa(dir: string, name: string, cn: string): void {
  openssl(
    [
      "req",
      "-x509",
      ...EC,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-subj",
      `/CN=${cn}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
}

function makeLeaf(dir: string, name: string, ca: string, cn: string, ext: string[]): void {
  writeFileSync(join(dir, `${name}.ext`), `${ext.join("\n")}\n`);
  openssl(
    ["req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`],
    dir,
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.crt`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    ],
    dir,
  );
}

const SERVER_EXT = [
  "basicConstraints=CA:FALSE",
  "keyUsage=critical,digitalSignature",
  "extendedKeyUsage=serverAuth",
];

/** Makes the certificates of the table above in a new temporary directory. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "tether-tls-"));
  makeCa(dir, "ca", "Tether Test CA");
  makeCa(dir, "stranger-ca", "Tether Stranger CA");
  makeLeaf(dir, "server", "ca", "localhost", [
    ...SERVER_EXT,
    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
  ]);
  makeLeaf(dir, "nameless", "ca", "other.test", [...SERVER_EXT, "subjectAltName=DNS:other.test"]);
  makeLeaf(dir, "stranger", "stranger-ca", "localhost", [
    ...SERVER_EXT,
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ]);
  makeLeaf(dir, "client", "ca", "Tether Test Client", [
    "basicConstraints=CA:FALSE",
    "keyUsage=critical,digitalSignature",
    "extendedKeyUsage=clientAuth",
  ]);
  return {
    dir,
    ca: pair(dir, "ca"),
    server: pair(dir, "server"),
    nameless: pair(dir, "nameless"),
    client: pair(dir, "client"),
    strangerCa: pair(dir, "stranger-ca"),
    stranger: pair(dir, "stranger"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
