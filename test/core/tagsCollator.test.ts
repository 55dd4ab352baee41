/**
 * core/tags.ts builds its natural-order Intl.Collator on first use, not when the module loads: a
 * Collator loads ICU's collation data (about 4 MB of resident memory), and every process that bundles
 * the module (the language server among them) loads it at start whether it orders tags or not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

type TagsModule = typeof import('../../server/src/core/tags');

test('loading core/tags constructs no Intl.Collator; ordering tags constructs one, once', () => {
  const Original = Intl.Collator;
  let constructed = 0;
  const Counting = function (...args: ConstructorParameters<typeof Intl.Collator>) {
    constructed++;
    return new Original(...args);
  } as unknown as typeof Intl.Collator;
  Intl.Collator = Counting;
  try {
    // Loaded here, after Intl.Collator is replaced (a static import would load it first).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { orderTags } = require('../../server/src/core/tags') as TagsModule;
    assert.equal(constructed, 0);
    assert.deepEqual(
      orderTags(['alpine', '10', '9', 'bookworm']).map((t) => t.tag),
      ['10', '9', 'alpine', 'bookworm'],
    );
    orderTags(['b', 'a']);
    assert.equal(constructed, 1);
  } finally {
    Intl.Collator = Original;
  }
});
