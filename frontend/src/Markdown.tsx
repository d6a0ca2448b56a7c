// An assistant's reply as Markdown (lists, emphasis, links, tables), never as HTML: raw HTML in
// a reply is shown as the text it is, pictures are not loaded, and links open safely elsewhere.
import Markdown from "react-markdown";
import type { Components } from "react-markdown";
import remarkGfm from "remark-gfm";

const PLUGINS = [remarkGfm];
const NOT_RENDERED = ["img"];

const COMPONENTS: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">{children}</a>
  ),
};

export function ReplyText({ text }: { text: string }) {
  return (
    <div className="markdown">
      <Markdown remarkPlugins={PLUGINS} components={COMPONENTS}
                disallowedElements={NOT_RENDERED} unwrapDisallowed>
        {text}
      </Markdown>
    </div>
  );
}
