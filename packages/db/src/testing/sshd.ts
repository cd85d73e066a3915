import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from '../embedded/index';
import { untilListening } from './listening';

export const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  port: number;
  /** the user keys log in as (the user running the tests) */
  username: string;
  /** `SHA256:...` of the current host key */
  hostKey: string;
  /** Replaces authorized_keys (read on every login: no restart). */
  authorize(publicKeyLines: string[]): Promise<void>;
  /** Restarts with a new host key (a rebuilt bastion, or a man in the middle). */
  rotateHostKey(): Promise<void>;
  /** Restarts with AllowTcpForwarding on or off. */
  setForwarding(on: boolean): Promise<void>;
  /** Kills sshd and every session it serves, as a crashed bastion would. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same host key. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' }).toString();

/** Every process under `pid` (sshd forks one per session), deepest first. */
function descendants(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children.flatMap((c) => [...descendants(c), c]);
}

/**
 * A real OpenSSH server (Debian's openssh-server) on a loopback port with its own
 * config, throwaway host key and authorized_keys: a bastion for the SSH tunnel tests.
 * Runs in the foreground (-D) as the test user; stopped by stop() or with the process.
 */
export async function startSshd(): Promise<TestSshd> {
  if (!existsSync(SSHD))
    throw new Error(`${SSHD} is missing: install openssh-server (npm test installs it as root)`);
  const dir = await mkdtemp(path.join(tmpdir(), 'pgvigil-sshd-'));
  const username = userInfo().username;
  // privilege separation directory sshd insists on when run as root
  if (userInfo().uid === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  let port = await freePort();
  let forwarding = true;
  let child: ChildProcess | null = null;
  let hostKey = '';

  const newHostKey = async () => {
    await rm(path.join(dir, 'host_key'), { force: true });
    await rm(path.join(dir, 'host_key.pub'), { force: true });
    const file = path.join(dir, 'host_key');
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test-bastion', '-f', file]);
    hostKey = sh('ssh-keygen', ['-lf', path.join(dir, 'host_key.pub')]).split(' ')[1] ?? '';
  };
  const writeConfig = () =>
    writeFile(
      path.join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${path.join(dir, 'host_key')}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin prohibit-password',
        `AllowTcpForwarding ${forwarding ? 'yes' : 'no'}`,
        'MaxStartups 100',
        'LogLevel INFO',
        '',
      ].join('\n'),
    );
  // Ready when sshd itself says it listens (-e logs to stderr).
  const start = async () => {
    await writeConfig();
    const proc = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    await untilListening(proc, `Server listening on 127.0.0.1 port ${port}`, 'sshd');
  };
  const kill = async () => {
    const proc = child;
    child = null;
    if (!proc?.pid || proc.exitCode !== null) return;
    for (const pid of descendants(proc.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await newHostKey();
  await writeFile(path.join(dir, 'authorized_keys'), '');
  // another process may take the free port first: try a few
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      port = await freePort();
    }
  }
  return {
    get port() {
      return port;
    },
    username,
    get hostKey() {
      return hostKey;
    },
    authorize: (lines) => writeFile(path.join(dir, 'authorized_keys'), `${lines.join('\n')}\n`),
    rotateHostKey: async () => {
      await kill();
      await newHostKey();
      await start();
    },
    setForwarding: async (on) => {
      await kill();
      forwarding = on;
      await start();
    },
    kill,
    start,
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
