import type { ConnectionTest } from '@/contract';
import styles from './admin.module.css';

/** What a test-connection returned: the version and each check, or the classified failure and its fix. */
export function TestResult({ result }: { result: ConnectionTest }) {
  if (!result.ok || !result.serverVersion) {
    const e = result.error;
    return (
      <div className={styles.error} role="alert" data-testid="test-result">
        <strong>Connection failed{e ? ` (${e.code})` : ''}</strong>
        {e ? (
          <>
            <p>{e.cause}</p>
            <div>
              <strong>How to fix it</strong>
              <pre className={styles.code}>{e.fix}</pre>
            </div>
            {e.serverMessage ? <p className={styles.hint}>Server said: {e.serverMessage}</p> : null}
            {e.ssh?.presentedHostKey ? (
              <p className={styles.hint}>
                Bastion {e.ssh.bastion} presented host key <code>{e.ssh.presentedHostKey}</code>
                {e.ssh.expectedHostKey ? (
                  <>
                    {' '}
                    (pinned: <code>{e.ssh.expectedHostKey}</code>)
                  </>
                ) : null}
              </p>
            ) : null}
          </>
        ) : null}
      </div>
    );
  }
  return (
    <div className={styles.success} data-testid="test-result">
      <strong>
        Connected: PostgreSQL {result.serverVersion}
        {result.ssl ? ' over SSL' : ' without SSL'}
        {result.tunnel ? ` through ${result.tunnel.bastion}` : ''}
      </strong>
      {result.tunnel ? (
        <p className={styles.hint} data-testid="test-host-key">
          Bastion host key <code>{result.tunnel.hostKey}</code>:{' '}
          {result.tunnel.pinned
            ? 'pinned; a different key later is refused.'
            : 'pinned by the first successful connection of the saved server.'}
        </p>
      ) : null}
      <table className={styles.table}>
        <thead>
          <tr>
            <th>Check</th>
            <th>Status</th>
            <th>Details and fix</th>
          </tr>
        </thead>
        <tbody>
          {result.checks.map((c) => (
            <tr key={c.key} data-check={c.key}>
              <td>{c.title}</td>
              <td className={styles[c.status]}>{c.status}</td>
              <td>
                <div className={styles.hint}>{c.detail}</div>
                {c.fix ? <pre className={styles.code}>{c.fix}</pre> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
