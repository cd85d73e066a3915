import { describe, expect, it } from 'vitest';
import { splitHosts } from '../src/hosts';

describe('a datastore URL with several hosts', () => {
  it('becomes one URL per host, without libpq-only parameters', () => {
    expect(
      splitHosts(
        'postgresql://u:p%40ss@db1:5432,db2:5433/pgvigil?sslmode=require&target_session_attrs=read-write',
      ),
    ).toEqual([
      'postgresql://u:p%40ss@db1:5432/pgvigil?sslmode=require',
      'postgresql://u:p%40ss@db2:5433/pgvigil?sslmode=require',
    ]);
    expect(splitHosts('postgres://db1,db2/pgvigil?target_session_attrs=read-write')).toEqual([
      'postgres://db1/pgvigil',
      'postgres://db2/pgvigil',
    ]);
  });
  it('leaves a one-host URL as it is', () => {
    const url = 'postgresql://u:p@db1:5432/pgvigil?target_session_attrs=read-write';
    expect(splitHosts(url)).toEqual([url]);
  });
});
