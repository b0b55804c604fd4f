package portal

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/portalhub/portalhub/services/hubread"
)

// social is what a page says of itself to the sites it is shared on:
// OpenGraph (Facebook, Zalo, LinkedIn) and Twitter card tags, written by
// the layout (templates/_social.html) from the page's title, canonical URL
// and language. Every page has the site's defaults (type website, the
// site's description); an item's page adds its summary, its first image
// attachment and its dates.
type social struct {
	// Type is the OpenGraph type: "website" (default) or "article".
	Type string
	// Description is the page's summary (plain text, at most
	// maxSocialDescription runes); empty: the site's description.
	Description string
	// Image is the absolute URL of an image of the page, ImageAlt its text.
	Image, ImageAlt string
	// Published and Modified are an article's times (RFC 3339).
	Published, Modified string
}

// Card is the Twitter card type: a large image when there is an image.
func (s social) Card() string {
	if s.Image != "" {
		return "summary_large_image"
	}
	return "summary"
}

// ogLocales are the OpenGraph locales of the portal's languages.
var ogLocales = map[string]string{"vi": "vi_VN", "en": "en_US", "ru": "ru_RU"}

// OGLocale is the page's OpenGraph locale.
func (b base) OGLocale() string { return ogLocales[b.Lang] }

// maxSocialDescription bounds a shared description: sites cut longer ones.
const maxSocialDescription = 300

// itemSocial fills an item page's sharing tags: its summary, its first
// image attachment (an absolute URL) and its dates.
func itemSocial(v *itemView, origin string, it *hubread.Item, published time.Time) {
	v.Social.Type = "article"
	v.Social.Description = shorten(v.Summary, maxSocialDescription)
	v.Social.Published = published.In(hcmc).Format(time.RFC3339)
	v.Social.Modified = it.UpdatedAt.In(hcmc).Format(time.RFC3339)
	for _, a := range v.Attachments {
		if strings.HasPrefix(a.MediaType, "image/") {
			v.Social.Image, v.Social.ImageAlt = origin+a.Href, a.Title
			if v.Social.ImageAlt == "" {
				v.Social.ImageAlt = v.Heading
			}
			break
		}
	}
}

// shorten cuts s to at most n runes, at a space when it can, with an
// ellipsis.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
