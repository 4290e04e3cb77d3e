import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { materializeBootstrap } from './bootstrap-file';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bootstrap-file-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const withAdmin = { node: { id: 'n' }, admin: { address: { socket_address: { address: '127.0.0.1', port_value: 9901 } } } };

describe('materializeBootstrap', () => {
  it('writes an object as YAML, setting the admin port without changing the caller\'s object', () => {
    const file = materializeBootstrap(withAdmin, dir, 0);
    expect(parse(fs.readFileSync(file, 'utf8')).admin.address.socket_address).toEqual({ address: '127.0.0.1', port_value: 0 });
    expect(withAdmin.admin.address.socket_address.port_value).toBe(9901);
  });

  it('adds an admin listener on 127.0.0.1 when the bootstrap has none', () => {
    const file = materializeBootstrap({ node: { id: 'n' } }, dir);
    expect(parse(fs.readFileSync(file, 'utf8')).admin).toEqual({ address: { socket_address: { address: '127.0.0.1', port_value: 0 } } });
  });

  it('passes a YAML file through unless its admin port must change', () => {
    const src = path.join(dir, 'mine.yaml');
    fs.writeFileSync(src, JSON.stringify(withAdmin));
    expect(materializeBootstrap(src, dir)).toBe(src);
    const copy = materializeBootstrap(src, dir, 15000);
    expect(copy).not.toBe(src);
    expect(parse(fs.readFileSync(copy, 'utf8')).admin.address.socket_address.port_value).toBe(15000);
  });

  it('reports an unreadable file as bad-bootstrap', () => {
    expect(() => materializeBootstrap(path.join(dir, 'missing.yaml'), dir)).toThrow(expect.objectContaining({ code: 'bad-bootstrap' }));
  });
});
