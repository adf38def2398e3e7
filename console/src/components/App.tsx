import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, ApiError, storedKey, storeKey } from '../api/client.ts';
import { SessionContext, type Session } from '../api/context.ts';
import type { Me } from '../api/types.ts';
import { LiveContext } from '../hooks/use-live.ts';
import { LiveEvents } from '../live/live-events.ts';
import { SignInPage } from '../pages/SignInPage.tsx';
import { Layout } from './Layout.tsx';
import { Loading } from './Loading.tsx';
import { Routes } from './Routes.tsx';

/** The console: sign-in until a valid API key is known, then the routed pages. */
export function App() {
  const [key, setKey] = useState<string | null>(() => storedKey());
  const [me, setMe] = useState<Me | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = (message: string | null = null) => {
    storeKey(null);
    setKey(null);
    setMe(null);
    setNotice(message);
  };

  const api = useMemo(() => (key ? new Api(key, () => signOut('Your API key is no longer valid. Sign in again.')) : null), [key]);
  // One event stream per signed-in key: pages follow changes made elsewhere through it.
  const live = useMemo(() => (api && me ? new LiveEvents(api) : null), [api, me !== null]);
  useEffect(() => {
    live?.start();
    return () => live?.stop();
  }, [live]);

  // A key from an earlier visit in this tab is checked again before the pages trust it.
  useEffect(() => {
    if (!api || me) return;
    api.me().then(setMe, (err: unknown) => {
      if (!(err instanceof ApiError && err.status === 401)) setNotice(err instanceof Error ? err.message : String(err));
    });
  }, [api, me]);

  if (!key || !api) {
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(newKey, who) => {
          storeKey(newKey);
          setKey(newKey);
          setMe(who);
          setNotice(null);
        }}
      />
    );
  }
  if (!me) return <Loading label="Checking your API key" />;
  const session: Session = { api, me, signOut: () => signOut(null) };
  return (
    <SessionContext.Provider value={session}>
      <LiveContext.Provider value={live}>
        <Layout>
          <Routes />
        </Layout>
      </LiveContext.Provider>
    </SessionContext.Provider>
  );
}
