// Wrapped prose keeps every letter: a list item's text wraps inside the width left after its marker, so
// no line runs past the pane's edge (where overflow used to cut "unless you set it" to "unless you se").
import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Markdown } from '../../src/ui/markdown.js';

const item =
  '* **down-after-milliseconds** (the `down_after_ms` variable: 3000 ms unless you set it) — how long a Sentinel waits for the master\n';

describe('markdown wrapping', () => {
  it('a list item wraps within the width at every size, every word kept', () => {
    for (const width of [40, 44, 46, 50, 56, 60, 72]) {
      const rendered = render(
        <Box width={width}>
          <Markdown source={item} />
        </Box>,
      );
      const lines = (rendered.lastFrame() ?? '').split('\n');
      rendered.unmount();
      expect(
        lines.filter((line) => line.length > width),
        `width ${width}`,
      ).toEqual([]);
      const words = lines.join(' ').split(/\s+/).filter(Boolean);
      expect(words.join(' '), `width ${width}`).toBe(
        '• down-after-milliseconds (the `down_after_ms` variable: 3000 ms unless you set it) — how long a Sentinel waits for the master',
      );
    }
  });
});
