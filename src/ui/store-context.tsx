// How components reach the store and the commands: one context, named selectors, no prop drilling.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Runbook } from '../contract/runbook.js';
import type { Commands } from '../controller/commands.js';
import type { TuiState } from '../controller/state.js';
import type { TuiStore } from '../controller/store.js';

export interface TuiContextValue {
  store: TuiStore;
  commands: Commands;
  runbook: Runbook;
}

export const TuiContext = createContext<TuiContextValue | undefined>(undefined);

export function useTui(): TuiContextValue {
  const value = useContext(TuiContext);
  if (!value) throw new Error('TUI components must be rendered inside <TuiContext.Provider>.');
  return value;
}

export function useTuiStore<T>(selector: (state: TuiState) => T): T {
  return useStore(useTui().store, selector);
}
