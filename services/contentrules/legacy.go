package contentrules

import (
	"fmt"
	"strings"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/vnenc"
)

// legacyText refuses, with LEGACY_ENCODING, the Vietnamese translation's
// title, summary and body text when vnenc finds it typed in a legacy
// encoding (TCVN3, VNI, VISCII, CP1258), UTF-8 misread as Windows-1252, or
// broken: Vietnamese text is stored as Unicode (Art. 7.6, TCVN 6909:2001),
// whatever path it came by. The back office converts such text before it
// checks (unless an editor keeps it as typed, which a draft may hold and
// approval refuses: see CheckDraft). Text holding U+FFFD is INVALID_UTF8
// already and not read again. vnenc reads Vietnamese; the other
// translations are not its to judge.
func (c *checker) legacyText(trs []*pb.Translation) {
	for i, tr := range trs {
		if tr.GetLocale() != "vi" {
			continue
		}
		p := translationPath(trs, i)
		c.legacy(p+".title", "tiêu đề", tr.GetTitle())
		c.legacy(p+".summary", "tóm tắt", tr.GetSummary())
		c.legacy(p+".body_html", "nội dung", htmlText(tr.GetBodyHtml()))
	}
}

func (c *checker) legacy(field, labelVI, s string) {
	if s == "" || strings.ContainsRune(s, '\uFFFD') {
		return
	}
	r := vnenc.Check(s)
	switch {
	case r.Broken:
		c.add(field, ReasonLegacyEncoding, "the text looks broken: "+r.Reason,
			fmt.Sprintf("%s có vẻ bị lỗi mã hoá. %s", capitalise(labelVI), r.ReasonVI))
	case r.Converted:
		c.add(field, ReasonLegacyEncoding,
			fmt.Sprintf("the text is in a legacy encoding (%s), not Unicode; convert it before sending. %s", r.Encoding, r.Reason),
			fmt.Sprintf("%s được gõ bằng bảng mã cũ (%s), không phải Unicode; hãy chuyển sang Unicode rồi gửi lại. %s",
				capitalise(labelVI), r.Encoding, r.ReasonVI))
	}
}

// htmlText returns the text of an HTML fragment as a reader sees it: its
// text nodes (character references decoded; no script or style) in order, blocks apart on lines
// of their own, so that words stay whole across inline markup
// ("<b>Th</b>«ng" is one word) and never run into the next paragraph's.
func htmlText(fragment string) string {
	if fragment == "" {
		return ""
	}
	var b strings.Builder
	z := nethtml.NewTokenizer(strings.NewReader(fragment))
	code := false // inside a script or style, which the sanitiser drops
	for {
		switch z.Next() {
		case nethtml.ErrorToken:
			return b.String()
		case nethtml.TextToken:
			if !code {
				b.Write(z.Text())
			}
		case nethtml.StartTagToken, nethtml.EndTagToken, nethtml.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			code = (a == atom.Script || a == atom.Style) && z.Token().Type == nethtml.StartTagToken
			if !inlineElements[a] {
				b.WriteByte('\n')
			}
		}
	}
}

// inlineElements are the elements that do not end a word: the inline
// elements the sanitiser keeps.
var inlineElements = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true, atom.Cite: true, atom.Code: true,
	atom.Data: true, atom.Dfn: true, atom.Em: true, atom.I: true, atom.Kbd: true, atom.Mark: true, atom.Q: true,
	atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true, atom.Strong: true, atom.Sub: true,
	atom.Sup: true, atom.Time: true, atom.U: true, atom.Var: true, atom.Del: true, atom.Ins: true,
}
