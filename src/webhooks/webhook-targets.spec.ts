import { describe, expect, it } from '@jest/globals';
import { allowedClass, classifyAddress, urlRefusal } from './webhook-targets.js';

describe('classifyAddress', () => {
  it.each([
    ['93.184.216.34', 'public'],
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['[2606:4700:4700::1111]', 'public'],
  ])('%s is public', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'RFC 1918'],
    ['172.16.0.1', 'RFC 1918'],
    ['172.31.255.255', 'RFC 1918'],
    ['192.168.1.1', 'RFC 1918'],
    ['100.64.0.1', 'CGNAT'],
    ['::1', 'IPv6 loopback'],
    ['fc00::1', 'ULA'],
    ['fd12:3456::1', 'ULA'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex form'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
    ['2002:c0a8:101::', '6to4 of 192.168.1.1'],
    ['::ffff:0:a00:1', 'IPv4-translated 10.0.0.1'],
  ])('%s is private (%s)', (address) => {
    expect(classifyAddress(address)).toBe('private');
  });

  it.each([
    ['169.254.169.254', 'AWS/GCP/Azure'],
    ['169.254.170.2', 'ECS task metadata'],
    ['100.100.100.200', 'Alibaba'],
    ['192.0.0.192', 'Oracle'],
    ['fd00:ec2::254', 'AWS IPv6'],
    ['fd00:ec2:0:0:0:0:0:254', 'AWS IPv6, long form'],
    ['::ffff:169.254.169.254', 'IPv4-mapped'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped, hex form'],
    ['64:ff9b::a9fe:a9fe', 'NAT64'],
  ])('%s is a metadata address (%s)', (address) => {
    expect(classifyAddress(address)).toBe('metadata');
  });

  it.each([
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'IPv6 link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'IPv6 unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'IPv6 multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'documentation (reserved)'],
    ['240.0.0.1', 'reserved'],
    ['::ffff:0.0.0.0', 'IPv4-mapped unspecified'],
    ['::ffff:169.254.1.1', 'IPv4-mapped link-local'],
    ['not-an-address', 'not an address'],
  ])('%s is forbidden (%s)', (address) => {
    expect(classifyAddress(address)).toBe('forbidden');
  });

  it('private is allowed only with the flag; metadata and forbidden never', () => {
    expect(allowedClass('public', false)).toBe(true);
    expect(allowedClass('private', false)).toBe(false);
    expect(allowedClass('private', true)).toBe(true);
    expect(allowedClass('metadata', true)).toBe(false);
    expect(allowedClass('forbidden', true)).toBe(false);
  });
});

describe('urlRefusal', () => {
  it('accepts a public https URL and a host name (resolved and checked at delivery)', () => {
    expect(urlRefusal('https://hooks.example.com/crm?token=abc', false)).toBeUndefined();
    expect(urlRefusal('https://93.184.216.34/hook', false)).toBeUndefined();
    expect(urlRefusal('https://[2606:4700:4700::1111]/hook', false)).toBeUndefined();
  });

  it('refuses http unless private targets are allowed, and other schemes always', () => {
    expect(urlRefusal('http://hooks.example.com/', false)).toMatch(/https/);
    expect(urlRefusal('http://hooks.example.com/', true)).toBeUndefined();
    expect(urlRefusal('ftp://hooks.example.com/', true)).toMatch(/http/);
    expect(urlRefusal('file:///etc/passwd', true)).toMatch(/http/);
    expect(urlRefusal('not a url', true)).toMatch(/absolute URL/);
  });

  it('refuses credentials in the URL', () => {
    expect(urlRefusal('https://user:pw@hooks.example.com/', false)).toMatch(/credentials/);
  });

  it('refuses loopback and private literals and localhost without the flag, allows them with it', () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://127.1/',
      'https://0x7f.0.0.1/',
      'https://2130706433/',
      'https://10.0.0.1/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[fd00::1]/',
      'https://localhost/',
      'https://api.localhost/',
    ]) {
      expect([url, urlRefusal(url, false)]).toEqual([url, expect.stringMatching(/loopback or private/)]);
      expect([url, urlRefusal(url, true)]).toEqual([url, undefined]);
    }
  });

  it('refuses metadata addresses and hosts even with the flag', () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/',
      'http://[::ffff:169.254.169.254]/',
      'http://100.100.100.200/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://METADATA.GOOGLE.INTERNAL./',
    ]) {
      expect([url, urlRefusal(url, true)]).toEqual([url, expect.stringMatching(/metadata/)]);
    }
  });

  it('refuses link-local, multicast and unspecified literals even with the flag', () => {
    for (const url of [
      'http://169.254.10.10/',
      'http://[fe80::1]/',
      'http://224.0.0.1/',
      'http://0.0.0.0/',
      'http://[::]/',
    ]) {
      expect([url, urlRefusal(url, true)]).toEqual([url, expect.stringMatching(/not a public unicast/)]);
    }
  });
});
