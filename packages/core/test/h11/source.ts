/**
 * Where the h11 port comes from.
 *
 * The test inputs and expected outcomes in this folder are re-expressed, as
 * data, from the test suite of h11 (https://github.com/python-hyper/h11),
 * MIT licence, Copyright (c) 2016 Nathaniel J. Smith <njs@pobox.com> and
 * other contributors. No h11 code or prose is copied: each case keeps h11's
 * input octets and the rule it checks, and states what Tether does, in
 * Tether's terms. Where Tether and h11 differ, the case says so and cites
 * the RFC 9112 / RFC 9110 section Tether follows.
 *
 * Files read (repository python-hyper/h11, file versions as stored at these
 * commits):
 * - h11/tests/test_connection.py  e22339d4adcccbe8c0b7623eb4909be5574d2875
 * - h11/tests/test_io.py          a49ec458920978e5fcc662b0ba80c86e70e14ddc
 * - h11/tests/test_state.py       c0531bdc1aae21acd65f06d79c89bef99edd9cc9
 * - h11/tests/test_headers.py     f002944ffaa39f7871d836a67fe03f03ccebda25
 * - h11/tests/test_receivebuffer.py bed9d5ec1e735dc9d2b9e8192e4e7859ce175f70
 * - h11/tests/test_against_stdlib_http.py 2471d7a25726316f762ab39ece1349835eaebf09
 *
 * h11's MIT licence requires its copyright notice and permission notice in
 * copies of substantial portions of the software; none of its software is
 * copied here, and this notice records the origin of the test data.
 */

/** Names a ported h11 test in a test title. */
export function h11(file: string, test: string): string {
  return `h11 ${file}::${test}`;
}
