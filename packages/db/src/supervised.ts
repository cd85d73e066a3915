// A supervised app (spawned by `npm start`'s supervisor with an IPC channel) ends when
// its supervisor does, however the supervisor ended: the channel closes with it, even
// on kill -9. Without this an orphaned web app would keep the port, and the next start
// would refuse to run ("Port 3000 is already in use"). No imports: the web app's server
// entry loads this without the datastore code.

/**
 * Calls `stop` once the supervisor that spawned this process is gone. Does nothing in a
 * process started without an IPC channel (an app run on its own, a test).
 */
export function stopWithSupervisor(stop: () => void): void {
  if (!process.channel) return;
  // the channel must not keep an app alive that has otherwise finished
  process.channel.unref();
  process.once('disconnect', stop);
}
