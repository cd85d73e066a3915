/**
 * The one shell line a bastion admin runs, as the user pgvigil logs in as, to let a
 * public key in. Shared by the registry form and the auth-refused fix text.
 */
export function authorizedKeysCommand(publicKeyLine: string): string {
  const quoted = `'${publicKeyLine.replace(/'/g, `'\\''`)}'`;
  return `mkdir -p ~/.ssh && chmod 700 ~/.ssh && echo ${quoted} >> ~/.ssh/authorized_keys && chmod 600 ~/.ssh/authorized_keys`;
}
