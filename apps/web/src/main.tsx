/** Entry point: applies the theme before the first paint, then renders the router. */
import './index.css';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { bindRouter } from './navigation.ts';
import { router } from './router.tsx';
import { initTheme } from './theme.ts';

initTheme();
bindRouter(router);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <RouterProvider router={router} />
  </StrictMode>,
);
