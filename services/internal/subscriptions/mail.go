package subscriptions

import (
	"context"
	"fmt"
	"html"
	"strings"

	"github.com/portalhub/portalhub/services/internal/mailout"
)

// texts are the e-mails' words in each language.
var texts = map[string]struct {
	confirmSubject, confirmBody  string
	digestSubject, digestIntro   string
	more, unsubscribe, everyItem string
	portal, legal                string
}{
	"vi": {
		confirmSubject: "Xác nhận đăng ký nhận tin: %s",
		confirmBody: "Có người (có thể là bạn) đã đăng ký địa chỉ này để nhận thư tổng hợp tin mới của Cổng thông tin điện tử tỉnh Khánh Hòa: %s.\n\n" +
			"Để bắt đầu nhận tin, mở liên kết sau trong 7 ngày:\n%s\n\n" +
			"Nếu không phải bạn đăng ký, hãy bỏ qua thư này: địa chỉ sẽ bị xóa sau 7 ngày. Hủy ngay: %s\n\n" +
			"Địa chỉ thư điện tử chỉ dùng để gửi tin đã đăng ký và bị xóa khi bạn hủy đăng ký.",
		digestSubject: "Tin mới: %s (%d)",
		digestIntro:   "Tin mới đăng trên Cổng thông tin điện tử tỉnh Khánh Hòa: %s.",
		more:          "… và %d tin khác: %s",
		unsubscribe:   "Hủy đăng ký (một lần bấm): %s",
		everyItem:     "toàn bộ tin",
		portal:        "Cổng thông tin điện tử tỉnh Khánh Hòa",
		legal:         "văn bản pháp luật",
	},
	"en": {
		confirmSubject: "Confirm your subscription: %s",
		confirmBody: "Someone (probably you) subscribed this address to e-mail digests of the Khanh Hoa Provincial Portal: %s.\n\n" +
			"To start receiving them, open this link within 7 days:\n%s\n\n" +
			"If it was not you, ignore this message: the address is deleted after 7 days. Cancel now: %s\n\n" +
			"The address is used only to send what you subscribed to and is deleted when you unsubscribe.",
		digestSubject: "New: %s (%d)",
		digestIntro:   "Newly published on the Khanh Hoa Provincial Portal: %s.",
		more:          "… and %d more: %s",
		unsubscribe:   "Unsubscribe (one click): %s",
		everyItem:     "everything",
		portal:        "Khanh Hoa Provincial Portal",
		legal:         "legal documents",
	},
	"ru": {
		confirmSubject: "Подтвердите подписку: %s",
		confirmBody: "Кто-то (вероятно, вы) подписал этот адрес на рассылку новостей портала провинции Кханьхоа: %s.\n\n" +
			"Чтобы начать получать письма, откройте ссылку в течение 7 дней:\n%s\n\n" +
			"Если это были не вы, не обращайте внимания на письмо: адрес будет удалён через 7 дней. Отменить сейчас: %s\n\n" +
			"Адрес используется только для рассылки и удаляется при отписке.",
		digestSubject: "Новое: %s (%d)",
		digestIntro:   "Новые публикации на портале провинции Кханьхоа: %s.",
		more:          "… и ещё %d: %s",
		unsubscribe:   "Отписаться (одним нажатием): %s",
		everyItem:     "все публикации",
		portal:        "Портал провинции Кханьхоа",
		legal:         "правовые документы",
	},
}

func textsFor(lang string) string {
	if _, ok := texts[lang]; ok {
		return lang
	}
	return "vi"
}

// Describe names what scope follows, in lang: "Sở Du lịch — Tin tức - Sự
// kiện", "văn bản pháp luật: Quyết định", ...
func (s *Store) Describe(ctx context.Context, sc Scope, lang string) string {
	t := texts[textsFor(lang)]
	col := "name_" + textsFor(lang)
	var parts []string
	name := func(table, id string) string {
		var n, vi string
		if err := s.cfg.Pool.QueryRow(ctx, `SELECT `+col+`, name_vi FROM `+table+` WHERE `+
			map[string]string{"tenants": "id", "categories": "code"}[table]+` = $1`, id).Scan(&n, &vi); err != nil {
			return id
		}
		if n == "" {
			return vi
		}
		return n
	}
	if sc.Tenant != "" {
		parts = append(parts, name("tenants", sc.Tenant))
	} else {
		parts = append(parts, t.portal)
	}
	switch {
	case sc.Category != "":
		parts = append(parts, name("categories", sc.Category))
	case sc.Legal():
		l := t.legal
		for _, f := range []string{sc.LegalType, sc.LegalField} {
			if f != "" {
				l += ": " + f
			}
		}
		parts = append(parts, l)
	default:
		parts = append(parts, t.everyItem)
	}
	return strings.Join(parts, " — ")
}

func (s *Store) link(lang, path string) string {
	return s.cfg.SiteURL + "/" + lang + path
}

// confirmation is the double opt-in message.
func (s *Store) confirmation(r Request, token string) mailout.Message {
	lang := textsFor(r.Lang)
	t := texts[lang]
	what := s.Describe(context.Background(), r.Scope, lang)
	confirm := s.link(lang, "/subscribe/confirm?t="+token)
	cancel := s.link(lang, "/subscribe/unsubscribe?t="+token)
	return mailout.Message{To: r.Email, Subject: fmt.Sprintf(t.confirmSubject, what),
		Text: fmt.Sprintf(t.confirmBody, what, confirm, cancel), Purpose: "subscription.confirm", ListUnsubscribe: cancel}
}

// digest is one subscription's message: the items, the rest counted, and
// the unsubscribe link, in text and HTML.
func (s *Store) digest(lang, to string, sc Scope, items []Item, total int, unsubscribeToken string) mailout.Message {
	lang = textsFor(lang)
	t := texts[lang]
	what := s.Describe(context.Background(), sc, lang)
	unsub := s.link(lang, "/subscribe/unsubscribe?t="+unsubscribeToken)
	var txt, h strings.Builder
	fmt.Fprintf(&txt, t.digestIntro+"\n\n", what)
	fmt.Fprintf(&h, "<p>%s</p>\n<ul>\n", html.EscapeString(fmt.Sprintf(t.digestIntro, what)))
	for _, it := range items {
		u := s.cfg.SiteURL + it.URL
		fmt.Fprintf(&txt, "- %s\n  %s\n", it.Title, u)
		fmt.Fprintf(&h, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(u), html.EscapeString(it.Title))
	}
	h.WriteString("</ul>\n")
	if rest := total - len(items); rest > 0 {
		section := s.cfg.SiteURL + "/" + lang + "/"
		if sc.Tenant != "" {
			section += sc.Tenant + "/"
		}
		fmt.Fprintf(&txt, "\n"+t.more+"\n", rest, section)
		fmt.Fprintf(&h, "<p>%s</p>\n", html.EscapeString(fmt.Sprintf(t.more, rest, section)))
	}
	fmt.Fprintf(&txt, "\n"+t.unsubscribe+"\n", unsub)
	fmt.Fprintf(&h, "<p><a href=\"%s\">%s</a></p>\n", html.EscapeString(unsub), html.EscapeString(strings.TrimSuffix(fmt.Sprintf(t.unsubscribe, ""), ": ")))
	return mailout.Message{To: to, Subject: fmt.Sprintf(t.digestSubject, what, total), Text: txt.String(), HTML: h.String(),
		Purpose: "subscription.digest", ListUnsubscribe: unsub}
}
