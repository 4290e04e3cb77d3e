// htpasswd handling: which lines Envoy's basic_auth accepts, what is reported, what reaches Envoy.
import { basicAuthProblems, supportedHtpasswd } from './basic-auth';

const ALICE = 'alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=';
const DAVE = 'dave:{SHA}fEqNCco3Yq9h5ZUglD3CZJT4lBs=';

describe('basicAuthProblems', () => {
  it('accepts {SHA} lines, blank lines, comments, CRLF and trailing spaces', () => {
    expect(basicAuthProblems(`# users\r\n${ALICE}  \r\n\r\n${DAVE}\n`)).toEqual([]);
  });

  it('reports every refused line with its number and reason', () => {
    const htpasswd = [
      ALICE,
      'bob:$2y$05$abcdefghijklmnopqrstuuJ2xY9N3mB8rL7QzPp6x5xk1B5y6c7DG',
      'carol:$apr1$abc$def',
      'erin:plaintext',
      'frank:{SSHA}abcdefgh',
      'no-colon',
      ':{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=',
      'gina:{SHA}short=',
      'alice:{SHA}fEqNCco3Yq9h5ZUglD3CZJT4lBs=',
    ].join('\n');
    expect(basicAuthProblems(htpasswd)).toEqual([
      'line 2: user "bob": bcrypt hashes are not supported, only {SHA} (htpasswd -s)',
      'line 3: user "carol": Apache MD5 ($apr1$) hashes are not supported, only {SHA} (htpasswd -s)',
      'line 4: user "erin": crypt or plain-text hashes are not supported, only {SHA} (htpasswd -s)',
      'line 5: user "frank": salted SHA ({SSHA}) hashes are not supported, only {SHA} (htpasswd -s)',
      'line 6: expected "user:password-hash"',
      'line 7: empty user name or password hash',
      'line 8: user "gina": {SHA} hash is not a base64 SHA-1 digest',
      'line 9: user "alice" appears more than once (the first entry is kept)',
    ]);
  });

  it('lets a later valid line for a user whose earlier line was refused count', () => {
    expect(basicAuthProblems(`dave:$apr1$a$b\n${DAVE}`)).toEqual([expect.stringMatching(/^line 1: /)]);
    expect(supportedHtpasswd(`dave:$apr1$a$b\n${DAVE}`)).toBe(DAVE);
  });
});

describe('supportedHtpasswd', () => {
  it('keeps only the lines Envoy accepts, normalised', () => {
    expect(supportedHtpasswd(`# c\r\n${ALICE} \r\nbob:$apr1$x$y\r\n\r\n${DAVE}\r\n`)).toBe(`${ALICE}\n${DAVE}`);
  });
});
