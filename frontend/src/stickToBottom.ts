// Keep the newest message in view while the person is at the bottom of the conversation;
// leave them be once they have scrolled up to read, and follow again when they come back down.
import { useCallback, useEffect, useLayoutEffect, useRef } from "react";
import type { RefObject } from "react";

/** Closer than this to the end of the list counts as being at the bottom. */
const AT_BOTTOM_PX = 80;
/** A scroll this soon after the person's own wheel, touch or key is theirs. */
const GESTURE_MS = 1000;
const SCROLL_KEYS = new Set(["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "]);

export function useStickToBottom(changes: unknown[]): {
  ref: RefObject<HTMLOListElement | null>; onScroll: () => void;
} {
  const ref = useRef<HTMLOListElement>(null);
  const stuck = useRef(true);
  const gestureAt = useRef(-Infinity);
  const draggingBar = useRef(false);

  const toBottom = useCallback(() => {
    const list = ref.current;
    if (list && stuck.current) list.scrollTop = list.scrollHeight;
  }, []);

  // Only the person lets go of the bottom. The browser scrolls the list too (clamping it when
  // its content shrinks, anchoring, following a resize), and such a scroll's event, read a
  // frame later against content that has grown since, looks just like scrolling up.
  const onScroll = useCallback(() => {
    const list = ref.current;
    if (!list) return;
    if (list.scrollHeight - list.scrollTop - list.clientHeight < AT_BOTTOM_PX) {
      stuck.current = true;
    } else if (draggingBar.current || performance.now() - gestureAt.current < GESTURE_MS) {
      stuck.current = false;
    }
  }, []);

  useLayoutEffect(toBottom, changes);

  useEffect(() => {
    const list = ref.current;
    if (!list) return;
    const gesture = () => { gestureAt.current = performance.now(); };
    const key = (event: KeyboardEvent) => { if (SCROLL_KEYS.has(event.key)) gesture(); };
    const press = (event: PointerEvent) => {
      // A press right of the content box is on the scroll bar.
      draggingBar.current = event.target === list && event.offsetX >= list.clientWidth;
    };
    const release = () => {
      if (draggingBar.current) gesture();
      draggingBar.current = false;
    };
    list.addEventListener("wheel", gesture, { passive: true });
    list.addEventListener("touchmove", gesture, { passive: true });
    list.addEventListener("keydown", key);
    list.addEventListener("pointerdown", press);
    window.addEventListener("pointerup", release);
    window.addEventListener("pointercancel", release);

    // The list resizing (a keyboard opening, the typing strip) and a message growing without
    // new text (a final reply's cards and time, an image loading) keep the bottom in view too.
    const resized = new ResizeObserver(toBottom);
    const watched = new WeakSet<Element>();
    const watchMessages = () => {
      for (const message of list.children) {
        if (!watched.has(message)) {
          watched.add(message);
          resized.observe(message);
        }
      }
    };
    resized.observe(list);
    watchMessages();
    const added = new MutationObserver(watchMessages);
    added.observe(list, { childList: true });
    return () => {
      added.disconnect();
      resized.disconnect();
      list.removeEventListener("wheel", gesture);
      list.removeEventListener("touchmove", gesture);
      list.removeEventListener("keydown", key);
      list.removeEventListener("pointerdown", press);
      window.removeEventListener("pointerup", release);
      window.removeEventListener("pointercancel", release);
    };
  }, [toBottom]);

  return { ref, onScroll };
}
