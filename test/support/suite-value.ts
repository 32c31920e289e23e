/**
 * Registers a `beforeAll` that makes a value the suite's tests share (a service, a tenant) and an
 * `afterAll` that releases it, and returns a stand-in for the value: reading the stand-in reads the
 * value once `beforeAll` has made it, and throws, naming `what`, if a test reads it before or after.
 * So a suite declares `const service = useTestService()` instead of a `let`, a `beforeAll` and an
 * `afterAll` of its own. Hooks run in the order they are declared (jest-circus), so a later
 * `beforeAll` of the suite sees the value already made.
 */
export function suiteValue<T extends object>(
  what: string,
  make: () => Promise<T>,
  release?: (value: T) => Promise<void>,
  timeout?: number,
): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await make();
  }, timeout);
  afterAll(async () => {
    const made = current;
    current = undefined;
    if (made && release) await release(made);
  });
  const value = (): T => {
    if (!current)
      throw new Error(`${what} is read outside the suite's tests (before its beforeAll or after its afterAll)`);
    return current;
  };
  return new Proxy({} as T, {
    get: (_target, property) => {
      // `await`ing or formatting the stand-in probes `then` and symbols: answer them without throwing.
      if (!current && (property === 'then' || typeof property === 'symbol')) return undefined;
      return Reflect.get(value(), property) as unknown;
    },
    has: (_target, property) => Reflect.has(value(), property),
    ownKeys: () => Reflect.ownKeys(value()),
    getOwnPropertyDescriptor: (_target, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(value(), property);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}
