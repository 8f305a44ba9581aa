import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The client lives in client/; the server serves the build from dist/client. In development,
// `npm run dev` (server on 8080) and `npm run dev:client` (Vite on 5173) run side by side and Vite
// forwards API and websocket traffic.
export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/healthz': 'http://localhost:8080',
      '/collab': { target: 'ws://localhost:8080', ws: true },
    },
  },
})
