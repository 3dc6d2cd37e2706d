import type { SqlSession } from './sqlClient.js';

/** Runs `work` between BEGIN and COMMIT on `session`; ROLLBACK (and rethrow) when it throws. */
export async function inTransaction<T>(session: SqlSession, work: (session: SqlSession) => Promise<T>): Promise<T> {
  await session.query('BEGIN');
  try {
    const result = await work(session);
    await session.query('COMMIT');
    return result;
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
