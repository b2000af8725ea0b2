/**
 * Vite configuration of the web app. `npm run dev -w @exponential/web` serves it with hot reload on
 * http://localhost:5173 and proxies `/api` and `/auth` to the server (`npm start`, 127.0.0.1:7015;
 * override with EXPONENTIAL_API_URL). The server refuses cookie-authenticated writes from origins
 * other than its own (CSRF protection), so the proxy presents the server's origin
 * (EXPONENTIAL_APP_URL, default http://localhost:7015). Session cookies are per host, not per port:
 * after signing in through a magic link on :7015, the dev server on :5173 shares the session.
 */
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

const target = process.env.EXPONENTIAL_API_URL ?? 'http://127.0.0.1:7015';
const appOrigin = new URL(process.env.EXPONENTIAL_APP_URL ?? 'http://localhost:7015').origin;

const proxy: ProxyOptions = {
  target,
  changeOrigin: true,
  // The sync WebSocket (/api/v1/sync/ws) goes through the same proxy.
  ws: true,
  configure: (p) => {
    p.on('proxyReq', (req) => {
      if (req.getHeader('origin')) req.setHeader('origin', appOrigin);
    });
  },
};

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: { host: 'localhost', port: 5173, strictPort: true, proxy: { '/api': proxy, '/auth': proxy } },
  build: {
    target: 'es2022',
    sourcemap: false,
    // The initial chunk stays small: TipTap and settings are split into lazy chunks.
    chunkSizeWarningLimit: 600,
    // Timing warnings only measure how busy the (small, shared) build machine is.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
