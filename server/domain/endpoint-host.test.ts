import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostProblem, tcpHost } from './endpoint-host';

test('TCP host names and addresses are accepted', () => {
  for (const h of ['db', 'db.example.com', 'db.example.com.', 'my_db-1.internal', '10.0.0.5', '127.0.0.1', '0.0.0.0', '::1', '[::1]', 'fe80::1%eth0', '2001:db8::8a2e:370:7334', '::ffff:10.0.0.1', 'localhost', 'a'.repeat(63)]) {
    assert.equal(hostProblem(h), null, h);
  }
});

test('sockets, paths, lists, URLs and options are refused with the reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['/tmp', /file system path \(a Unix socket\).*TCP only/],
    ['/work/main/.data/pg', /file system path/],
    ['\\\\server\\pipe', /file system path/],
    ['./sock', /file system path/],
    ['C:\\pg', /file system path/],
    ['@abstract', /abstract Unix socket/],
    ['postgres://h/db', /is a URL/],
    ['h1,h2', /list of hosts/],
    ['db host', /not a host name/],
    [' db', /spaces around it/],
    ['db?sslmode=disable', /not a host name/],
    ['host=evil', /not a host name/],
    ['db/sock', /not a host name/],
    ['db:5432', /not an IP address or host name \(the port has its own field\)/],
    ['[db]', /only an IPv6 address goes in brackets/],
    ['256.1.1.1', /not a valid IPv4 address/],
    ['01.2.3.4', /not a valid IPv4 address/],
    ['dé.example', /punycode/],
    ['-db', /not a host name/],
    ['a'.repeat(64), /not a host name/],
    ['a.'.repeat(130), /at most 253/],
    ['', /Enter the host/],
    ['db\u0000', /control character/],
    ['1:2:3:4:5:6:7:8:9', /not an IP address/],
  ];
  for (const [h, re] of cases) {
    const p = hostProblem(h);
    assert.ok(p && re.test(p), `${JSON.stringify(h)}: ${p}`);
  }
});

test('an IPv6 address loses its brackets for the driver', () => {
  assert.equal(tcpHost('[::1]'), '::1');
  assert.equal(tcpHost('db'), 'db');
});
