import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';

export default {
  input: 'packages/tracker/src/index.ts',
  output: { file: 'packages/tracker/dist/t.js', format: 'iife' },
  plugins: [typescript({ tsconfig: 'packages/tracker/tsconfig.json' }), terser()],
};
