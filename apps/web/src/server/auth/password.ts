// Password hashing lives with the accounts in @pgvigil/db, where the admin CLI uses it too.
export {
  dummyPasswordHash,
  hashPassword,
  hashSlotStats,
  MAX_CONCURRENT_HASHES,
  MAX_PASSWORD_LENGTH,
  MAX_WAITING_HASHES,
  MIN_PASSWORD_LENGTH,
  needsRehash,
  passwordProblem,
  SCRYPT_PARAMS,
  verifyPassword,
} from '@pgvigil/db/accounts';
