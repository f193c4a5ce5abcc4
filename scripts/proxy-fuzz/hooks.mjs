// Module hooks (node:module register): when tests/self/fuzz.spec.ts imports mock/app, it gets app-through-proxy.ts
// instead, so the fuzz test's own traffic, unchanged, passes through the conformance proxy. Nothing else is touched.
const WRAPPER = new URL('./app-through-proxy.ts', import.meta.url).href;

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (context.parentURL?.endsWith('/tests/self/fuzz.spec.ts') && /\/mock\/app\.(ts|js)$/.test(result.url)) {
    return { ...result, url: WRAPPER, shortCircuit: true };
  }
  return result;
}
