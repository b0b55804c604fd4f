package editorial

import (
	"bytes"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	// markdown renders CommonMark with GitHub's tables, strikethrough and
	// autolinks. Raw HTML in the source is left out (goldmark's default,
	// without html.WithUnsafe).
	markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))
	// sanitiser is the second line: whatever goldmark lets through (links
	// with javascript: URLs, say) is cleaned by a well-known policy.
	sanitiser = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(false) // the board's own links are endorsed
		p.AllowAttrs("align").Matching(bluemonday.SpaceSeparatedTokens).OnElements("th", "td")
		return p
	}()
)

// RenderMarkdown renders a Markdown body to sanitised HTML, as the item is
// pushed at approval and as the preview shows it.
func RenderMarkdown(md string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		// goldmark fails only when writing to buf fails, which it does not.
		return sanitiser.Sanitize(buf.String())
	}
	return sanitiser.Sanitize(buf.String())
}
