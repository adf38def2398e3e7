import { describe, expect, it } from 'vitest';
import { colorsFor } from '../../src/cli/colors.js';

describe('CLI colours', () => {
  it('colour a terminal, and nothing else', () => {
    expect(colorsFor({ isTTY: true }, {}).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(colorsFor({ isTTY: false }, {}).red('x')).toBe('x');
    expect(colorsFor({}, {}).bold('x')).toBe('x');
  });

  it('switch off on a terminal when NO_COLOR is set to anything but empty', () => {
    expect(colorsFor({ isTTY: true }, { NO_COLOR: '1' }).green('x')).toBe('x');
    expect(colorsFor({ isTTY: true }, { NO_COLOR: '' }).enabled).toBe(true);
  });
});
