import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Loading } from '@/shared/ui/Page';

/**
 * A page in a chunk of its own, fetched the first time it shows (or sooner: `preload`), so the first load of the
 * app carries only what every visitor needs. Once fetched it renders without suspending: React holds a suspended
 * page back up to 300 ms after its fallback showed (its Suspense throttle), which a page already here need not pay.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>, fallback: ReactNode = <Loading />) {
  let loaded: ComponentType<P> | null = null;
  const preload = () =>
    load().then((page) => {
      loaded = page;
      return { default: page };
    });
  const Lazy = lazy(preload);
  function LazyPage(props: P) {
    if (loaded) {
      const Page = loaded;
      return <Page {...props} />;
    }
    return (
      <Suspense fallback={fallback}>
        <Lazy {...props} />
      </Suspense>
    );
  }
  return Object.assign(LazyPage, { preload });
}
