/**
 * Vite configuration of the web app. `npm run dev -w @exponential/web` serves it with hot reload
 * and proxies `/api` and `/auth` to the server on 127.0.0.1:7015 (`npm start`). The proxy rewrites
 * Origin to the server's own, because the server refuses cookie-authenticated writes from other
 * origins (CSRF protection).
 */
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

const target = process.env.EXPONENTIAL_API_URL ?? 'http://127.0.0.1:7015';

const proxy: ProxyOptions = {
  target,
  changeOrigin: true,
  configure: (p) => {
    p.on('proxyReq', (req) => {
      if (req.getHeader('origin')) req.setHeader('origin', new URL(target).origin);
    });
  },
};

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: { host: '127.0.0.1', port: 5173, proxy: { '/api': proxy, '/auth': proxy } },
  build: {
    target: 'es2022',
    sourcemap: false,
    // The initial chunk stays small: TipTap and settings are split into lazy chunks.
    chunkSizeWarningLimit: 600,
  },
});
