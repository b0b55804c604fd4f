package viewcount

import "hash/maphash"

// botWords are the User-Agent fragments, in lower case, of clients that are
// not a person reading a page: search engines' and social networks'
// crawlers, link previews, monitors and uptime checks, command-line tools
// and HTTP libraries, headless browsers and audits.
var botWords = []string{
	"bot", "crawl", "spider", "slurp", "scrap", "fetch", "preview", "facebookexternalhit",
	"monitor", "uptime", "pingdom", "check", "lighthouse", "headless", "phantomjs", "selenium",
	"curl", "wget", "python", "go-http-client", "java/", "okhttp", "httpclient", "libwww", "axios",
	"node-fetch", "postman", "insomnia", "feed", "rss", "w3c_validator", "validator", "archive",
}

// IsBot reports whether a request with userAgent comes from a bot: a
// User-Agent naming one (botWords, matched without regard to case), or
// none at all. It allocates nothing.
func IsBot(userAgent string) bool {
	if userAgent == "" {
		return true
	}
	for _, w := range botWords {
		if containsFold(userAgent, w) {
			return true
		}
	}
	return false
}

// containsFold reports whether s holds lower (ASCII lower case) without
// regard to ASCII case.
func containsFold(s, lower string) bool {
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// uaSlots is the size of the counter's memo of User-Agents (a power of
// two): browsers send a handful of distinct strings, so nearly every view
// finds its answer there instead of scanning botWords.
const uaSlots = 4096

// isBot is IsBot memoised by a hash of the User-Agent: each slot holds the
// hash with its low bit replaced by the answer. A slot written by another
// User-Agent is overwritten; only a miss writes.
func (c *Counter) isBot(userAgent string) bool {
	h := maphash.String(c.seed, userAgent) | 2 // never 0: 0 is an empty slot
	slot := &c.uas[h&(uaSlots-1)]
	if v := slot.Load(); v&^1 == h&^1 {
		return v&1 == 1
	}
	bot := IsBot(userAgent)
	v := h &^ 1
	if bot {
		v |= 1
	}
	slot.Store(v)
	return bot
}
