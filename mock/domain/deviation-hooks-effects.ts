/**
 * The deviations of the side-effect class (issue 13 §2, "What an accepted write may change"): an accepted write that
 * also moves a field it did not send. The hand-written tests check what a write sent; these are caught by the
 * session ledger (tests/support/ledger.ts), which compares every read with the writes before it. Hooks on the
 * faithful flow (hooks.ts), like the rest of the catalogue in deviation-hooks.ts, which includes this table.
 */
import type { DeviationName } from './deviations.js';
import type { Hooks } from './hooks.js';

export const EFFECT_HOOKS = {
  // An attribute removal that saves the record through a path which rebuilds it without the cart link.
  'attribute-delete-clears-cart': { afterAttributeDelete: (r) => void (r.cartId = undefined) },
  // The management attribute endpoint saves through the 2022-11 model, which has no language.
  'management-attribute-drops-language': { afterManagementAttribute: (r) => void (r.language = undefined) },
  // A currency change re-derives targetLocation from the (absent) address and clears it.
  'currency-patch-clears-location': { patchChanges: (c) => ('currency' in c && !('targetLocation' in c) ? { ...c, targetLocation: undefined } : c) },
} satisfies Partial<Record<DeviationName, Hooks>>;
