import { randomBytes } from 'node:crypto';
import { keys } from './keys.js';
import type { Table } from './table.js';

export interface Session {
  id: string;
  email: string;
  expiresAt: string;
}

export interface Coordinator {
  email: string;
  name: string;
}

export async function createSession(table: Table, email: string, ttlHours = 12, now = new Date()): Promise<Session> {
  const session = { id: randomBytes(24).toString('base64url'), email, expiresAt: new Date(now.getTime() + ttlHours * 3600_000).toISOString() };
  await table.putIfAbsent(keys.session(session.id), session);
  return session;
}

export async function getSession(table: Table, id: string, now = new Date()): Promise<Session | undefined> {
  if (!/^[\w-]{16,64}$/.test(id)) return undefined;
  const session = await table.get<Session>(keys.session(id));
  return session && new Date(session.expiresAt) > now ? session : undefined;
}

export const endSession = (table: Table, id: string) => table.update(keys.session(id), { expiresAt: new Date(0).toISOString() });

export const registerCoordinator = (table: Table, coordinator: Coordinator) => table.putIfAbsent(keys.coordinator(coordinator.email), { ...coordinator });

export const getCoordinator = (table: Table, email: string) => table.get<Coordinator>(keys.coordinator(email));
