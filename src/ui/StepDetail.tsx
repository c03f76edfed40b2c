// The selected step: its explanation (Markdown), its actions as they will run / ran, their output and
// results, and the record of confirmations and answers. Scrolls as a whole inside a fixed height. While the
// step asks a question (a trainee's "why?"), it shows its end, where the evidence the question is about —
// the prediction next to the measurement, the results card — was just drawn, unless the operator scrolled.
import { Box, type DOMElement, measureElement, Text } from 'ink';
import { memo, useEffect, useRef } from 'react';
import {
  selectFocusedActionIndex,
  selectOutputExpanded,
  selectQuestion,
  selectScroll,
  selectSelectedStep,
  selectStepReached,
  selectUi,
} from '../controller/selectors.js';
import { setDetailScrollMax } from '../controller/ui-actions.js';
import { ActionView } from './ActionView.js';
import { Markdown } from './markdown.js';
import { useTui, useTuiStore } from './store-context.js';
import { useTone } from './theme.js';
import { ErrorView } from './views/ErrorView.js';

const COLLAPSED_OUTPUT_LINES = 6;

export const StepDetail = memo(function StepDetail({ height }: { height: number }) {
  const { runbook, store } = useTui();
  const tone = useTone();
  const state = useTuiStore(selectSelectedStep);
  const ui = useTuiStore(selectUi);
  const scroll = useTuiStore(selectScroll('detail'));
  const outputScroll = useTuiStore(selectScroll('output'));
  const expanded = useTuiStore(selectOutputExpanded);
  const question = useTuiStore(selectQuestion);
  const focusedAction = useTuiStore(selectFocusedActionIndex);
  const content = useRef<DOMElement>(null);
  const reached = useTuiStore(selectStepReached(state?.index ?? 0));
  const hidden = runbook.hideAhead === true && !reached;

  useEffect(() => {
    if (!content.current) return;
    const { height: contentHeight } = measureElement(content.current);
    setDetailScrollMax(store, Math.max(0, contentHeight - height));
  });

  const step = state ? runbook.steps[state.index] : undefined;
  if (!state || !step) return <Text color={tone('muted')}>This runbook has no steps.</Text>;
  const outputHeight = expanded ? Math.max(COLLAPSED_OUTPUT_LINES, height - 4) : COLLAPSED_OUTPUT_LINES;
  const preview = ui.previewStep === step.id ? ui.previewLines : undefined;
  const asking = question?.type === 'prompt' && question.request.step === step.id && scroll === 0;
  const offset = asking ? ui.detailScrollMax : Math.min(scroll, ui.detailScrollMax);

  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Box ref={content} flexDirection="column" marginTop={-offset} flexShrink={0}>
        {!step.explanation.trim() ? null : hidden ? (
          <Text color={tone('muted')}>
            This step's text shows when you reach it (the runbook hides what is ahead).
          </Text>
        ) : (
          <Markdown source={step.explanation} />
        )}
        {preview ? (
          <Box flexDirection="column" marginBottom={1}>
            <Text bold color={tone('warn')}>
              Dry run: what this step would do (nothing was run)
            </Text>
            {preview.map((line, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: preview lines are positional.
              <Text key={i} wrap="truncate">
                {line}
              </Text>
            ))}
          </Box>
        ) : null}
        {step.actions.map((block, i) => (
          <ActionView
            // biome-ignore lint/suspicious/noArrayIndexKey: a step's actions never reorder.
            key={i}
            stepId={step.id}
            index={i}
            block={block}
            state={state.actions[i]}
            outputHeight={outputHeight}
            outputScroll={i === focusedAction ? outputScroll : 0}
          />
        ))}
        {state.error && !state.actions.some((a) => a?.error) ? <ErrorView error={state.error} /> : null}
        {state.notes.map((note, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: notes only ever append.
          <Text key={i} color={tone('muted')} wrap="truncate">
            {`${note.at.slice(11, 19)} ${note.text}`}
          </Text>
        ))}
      </Box>
    </Box>
  );
});
