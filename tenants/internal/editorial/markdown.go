package editorial

import (
	"bytes"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/portalhub/portalhub/services/contentrules"
)

var (
	// markdown renders CommonMark with GitHub's tables, strikethrough and
	// autolinks. Raw HTML in the source is rendered (html.WithUnsafe) and
	// then cleaned by the sanitiser below: bodies that came in as HTML (the
	// API, the demo seed, items approved before the back office) open in
	// the Markdown field as HTML, and must survive an edit and approval
	// rather than silently disappear.
	// Column alignment is written as the align attribute, which the
	// sanitiser lets through (style attributes it does not).
	markdown = goldmark.New(goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough, extension.Linkify),
		goldmark.WithRendererOptions(html.WithUnsafe()))
	// sanitiser is the second line: whatever goldmark lets through (links
	// with javascript: URLs, say) is cleaned by a well-known policy.
	sanitiser = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(false) // the board's own links are endorsed
		p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|center|right)$`)).OnElements("th", "td")
		return p
	}()
)

// RenderMarkdown renders a Markdown body to sanitised, balanced HTML
// (contentrules.BalanceHTML: raw HTML in the source with unclosed or stray
// tags cannot close, wrap or swallow what the page puts around it), as the
// item is pushed at approval and as the preview shows it.
func RenderMarkdown(md string) string {
	var buf bytes.Buffer
	// goldmark fails only when writing to buf fails, which it does not.
	_ = markdown.Convert([]byte(md), &buf)
	return contentrules.BalanceHTML(sanitiser.Sanitize(buf.String()))
}
