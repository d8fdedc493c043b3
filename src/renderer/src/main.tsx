// Renderer entry: connect to the engine, then render the cockpit.
import { StrictMode } from 'react';
import { z } from 'zod';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { startRuntime } from './api/runtime.js';
import './styles.css';

// Under our CSP (no eval) zod must not probe for `new Function`.
z.config({ jitless: true });
startRuntime();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
