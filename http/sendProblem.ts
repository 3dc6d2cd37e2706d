import type { FastifyReply } from 'fastify';
import type { Problem } from '../schemas/problem.js';

/** Sends an RFC 9457 problem document with its status (the one definition). @example return sendProblem(reply, problem(404, 'not_found', 'Not Found')); */
export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body);
}
