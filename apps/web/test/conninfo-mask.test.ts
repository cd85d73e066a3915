import { describe, expect, it } from 'vitest';
import {
  MASK,
  maskConnectionString,
  passwordText,
  unmaskConnectionString,
} from '@/components/admin/conninfo-mask';

const NASTY = 'p@ss [w]/o?r#d';

describe('connection-string password mask', () => {
  const url = `postgresql://mon:${encodeURIComponent(NASTY)}@db.example:5432/postgres?sslmode=require`;

  it('hides a URL password, encoded or with a raw @, and nothing else', () => {
    expect(maskConnectionString(url)).toBe(
      `postgresql://mon:${MASK}@db.example:5432/postgres?sslmode=require`,
    );
    expect(maskConnectionString('postgres://u:a@b@h/db')).toBe(`postgres://u:${MASK}@h/db`);
    expect(maskConnectionString('postgresql://u@h/db')).toBe('postgresql://u@h/db');
    expect(maskConnectionString('postgresql://h:5432/db')).toBe('postgresql://h:5432/db');
  });

  it('hides a key=value password, quoted with spaces or escapes', () => {
    expect(maskConnectionString("host=h password='a b\\' c' user=u")).toBe(
      `host=h password=${MASK} user=u`,
    );
    expect(maskConnectionString('password = s3cret dbname=x')).toBe(`password = ${MASK} dbname=x`);
    expect(maskConnectionString('host=h user=u')).toBe('host=h user=u');
  });

  it('puts the real password back when the rest of the string is edited', () => {
    const shown = maskConnectionString(url).replace('db.example', 'db2.example');
    expect(unmaskConnectionString(shown, url)).toBe(url.replace('db.example', 'db2.example'));
    const conninfo = "host=h password='a b' user=u";
    expect(unmaskConnectionString(`${maskConnectionString(conninfo)} port=6432`, conninfo)).toBe(
      `${conninfo} port=6432`,
    );
  });

  it('typing into the mask replaces the password; an unmasked edit is taken as typed', () => {
    expect(unmaskConnectionString(`postgresql://u:${MASK}x@h/db`, url)).toBe(
      'postgresql://u:x@h/db',
    );
    expect(unmaskConnectionString('postgresql://u:new@h/db', url)).toBe('postgresql://u:new@h/db');
    expect(passwordText(url)).toBe(encodeURIComponent(NASTY));
    expect(passwordText('host=h')).toBeNull();
  });
});
