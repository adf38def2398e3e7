import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './client.ts';
import type { Me } from './types.ts';

/** The signed-in session every page reads: the API client and who the key belongs to. */
export interface Session {
  api: Api;
  me: Me;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

/** The current session; pages render only inside a signed-in console. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}
