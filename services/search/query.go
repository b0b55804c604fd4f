package search

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits of a query: what a person types fits well within them; anything
// longer is pasted text, refused with an explanation rather than searched.
const (
	// MaxQueryRunes bounds a query's length in characters.
	MaxQueryRunes = 256
	// maxUnits bounds the words and phrases of a query.
	maxUnits = 16
	// maxPhraseTokens bounds the words of one phrase.
	maxPhraseTokens = 12
)

// Errors of Parse, each a 400 for the visitor.
var (
	ErrInvalidUTF8 = errors.New("the query is not valid UTF-8")
	ErrTooLong     = errors.New("the query is too long")
)

// unit is a word or a phrase of a query: one token, or several that must be
// adjacent and in order (a quoted phrase, or one typed word holding several,
// such as a document number 15/2024/QĐ-UBND).
type unit struct {
	toks []Token
	// anywhere says the tokens need not be adjacent: typed words that
	// spell a synonym's form match as separate words too.
	anywhere bool
	// code says the unit is a code typed as one word, several tokens
	// holding a number (a legal document's number 15/2024/QĐ-UBND, a
	// service code): see CodeMatch.
	code bool
}

// Query is a parsed search query: groups that must all match (each a word,
// a phrase, or alternatives joined by OR), and words or phrases that must
// not (-word, -"phrase").
type Query struct {
	groups [][]unit
	not    []unit
	// words are the query's words when it is only plain words, no
	// operators: adjacent and in order, they are the phrase bonus.
	words []Token
}

// Parse reads a visitor's query: words (all must match, in any case, with
// or without diacritics), "quoted phrases", -exclusions and OR between
// alternatives. Characters that are neither letters nor digits separate
// words, so no input is a syntax error: tsquery operators, SQL and
// punctuation are just separators. It fails only on invalid UTF-8 and on a
// query longer than MaxQueryRunes. Acronyms and synonyms are expanded with
// syn (nil for none).
func Parse(raw string, syn *Synonyms) (*Query, error) {
	if !utf8.ValidString(raw) {
		return nil, ErrInvalidUTF8
	}
	raw = norm.NFC.String(raw)
	if utf8.RuneCountInString(raw) > MaxQueryRunes {
		return nil, ErrTooLong
	}
	type item struct {
		text         string
		quoted, neg  bool
		orWithBefore bool
	}
	var items []item
	pendingOr := false
	rs := []rune(raw)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
			continue
		}
		neg := false
		if r == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) && (i == 0 || unicode.IsSpace(rs[i-1])) {
			neg = true
			i++
			r = rs[i]
		}
		if isQuote(r) {
			j := i + 1
			for j < len(rs) && !isQuote(rs[j]) {
				j++
			}
			items = append(items, item{text: string(rs[i+1 : min(j, len(rs))]), quoted: true, neg: neg, orWithBefore: pendingOr})
			pendingOr = false
			i = j + 1
			continue
		}
		j := i
		for j < len(rs) && !unicode.IsSpace(rs[j]) && !isQuote(rs[j]) {
			j++
		}
		word := string(rs[i:j])
		i = j
		if !neg && (word == "OR" || word == "|" || word == "||") && len(items) > 0 {
			pendingOr = true
			continue
		}
		items = append(items, item{text: word, neg: neg, orWithBefore: pendingOr})
		pendingOr = false
	}

	q := &Query{}
	plain := true
	lastWasGroup := false
	units := 0
	for _, it := range items {
		toks, _ := Tokens(it.text)
		if len(toks) == 0 {
			continue
		}
		if len(toks) > maxPhraseTokens {
			toks = toks[:maxPhraseTokens]
		}
		if units == maxUnits {
			break
		}
		units++
		u := unit{toks: toks, code: !it.quoted && isCode(toks)}
		if it.quoted || it.neg || it.orWithBefore || len(toks) > 1 {
			plain = false
		}
		switch {
		case it.neg:
			q.not = append(q.not, u)
			lastWasGroup = false
		case it.orWithBefore && lastWasGroup:
			last := len(q.groups) - 1
			q.groups[last] = append(q.groups[last], u)
		default:
			q.groups = append(q.groups, []unit{u})
			lastWasGroup = true
		}
	}
	if plain && len(q.groups) > 1 {
		for _, g := range q.groups {
			q.words = append(q.words, g[0].toks[0])
		}
	}
	if syn != nil {
		q.groups = syn.expand(q.groups)
	}
	return q, nil
}

// isCode reports whether the tokens of one typed word are a code: several
// of them, one at least all digits.
func isCode(toks []Token) bool {
	if len(toks) < 2 {
		return false
	}
	for _, t := range toks {
		if strings.Trim(t.Folded, "0123456789") == "" {
			return true
		}
	}
	return false
}

func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '„', '«', '»':
		return true
	}
	return false
}

// Empty reports that the query has nothing to look for: no words, or only
// exclusions.
func (q *Query) Empty() bool { return len(q.groups) == 0 }

// Normalized is the query as its statistics and best bets know it: the
// folded words it looks for, in order, one space apart (exclusions and
// operators left out).
func (q *Query) Normalized() string {
	var words []string
	for _, g := range q.groups {
		for _, u := range g[:1] {
			for _, t := range u.toks {
				words = append(words, t.Folded)
			}
		}
	}
	return strings.Join(words, " ")
}

// Terms returns the folded words the query looks for, synonyms and
// alternatives included, for highlighting.
func (q *Query) Terms() map[string]bool {
	out := map[string]bool{}
	for _, g := range q.groups {
		for _, u := range g {
			for _, t := range u.toks {
				out[t.Folded] = true
			}
		}
	}
	return out
}

// Match is the text of the query that selects results (every group, none of
// the exclusions), in PostgreSQL's tsquery syntax with quoted lexemes, for
// to_tsquery with one of the hub's text search configurations (which stem
// English and Russian words). Lexemes hold only letters and digits, so no
// input can inject an operator.
func (q *Query) Match() string {
	var parts []string
	for _, g := range q.groups {
		parts = append(parts, renderGroup(g))
	}
	for _, u := range q.not {
		parts = append(parts, "!"+renderUnit(u))
	}
	return strings.Join(parts, " & ")
}

// CodeMatch and RestMatch split Match for the index: CodeMatch is the
// groups that are codes (a legal document's number typed as one word,
// 15/2024/QĐ-UBND), each only one alternative, joined by AND, and
// RestMatch everything else (other groups, the exclusions); either is ""
// when there is none. Codes are indexed with the title (weight A of the
// head vector, see Document), so a code is matched there: as a phrase of
// lexemes found everywhere (15 <-> 2024 <-> qd <-> ubnd) in the whole
// text it would make PostgreSQL re-read every document holding the four
// words anywhere (issue 8 point 1). A code that only the body of a
// document cites does not find it.
func (q *Query) CodeMatch() string {
	codes, _ := q.split()
	return strings.Join(codes, " & ")
}

// RestMatch: see CodeMatch.
func (q *Query) RestMatch() string {
	_, rest := q.split()
	return strings.Join(rest, " & ")
}

// LooseRestMatch is RestMatch with its phrases loosened to their words
// anywhere and its exclusions left out: every document RestMatch matches
// matches it, and its GIN index answers it without reading a document's
// vector (a phrase or an exclusion is checked against the vector itself).
// It equals RestMatch when the rest holds neither.
func (q *Query) LooseRestMatch() string {
	var parts []string
	for _, g := range q.groups {
		if len(g) == 1 && g[0].code && !g[0].anywhere {
			continue
		}
		alts := make([]string, len(g))
		for i, u := range g {
			loose := u
			loose.anywhere = true
			alts[i] = renderUnit(loose)
		}
		if len(alts) == 1 {
			parts = append(parts, alts[0])
		} else {
			parts = append(parts, "("+strings.Join(alts, " | ")+")")
		}
	}
	return strings.Join(parts, " & ")
}

func (q *Query) split() (codes, rest []string) {
	for _, g := range q.groups {
		if len(g) == 1 && g[0].code && !g[0].anywhere {
			codes = append(codes, renderUnit(g[0]))
		} else {
			rest = append(rest, renderGroup(g))
		}
	}
	for _, u := range q.not {
		rest = append(rest, "!"+renderUnit(u))
	}
	return codes, rest
}

// Any is the query's lexemes joined by OR (exclusions left out): ranking
// with it credits a title that holds some of the words.
func (q *Query) Any() string {
	var parts []string
	for _, g := range q.groups {
		for _, u := range g {
			parts = append(parts, renderUnit(u))
		}
	}
	return strings.Join(parts, " | ")
}

// Excludes reports whether the query excludes words (-word): a document
// can then hold the query's words and still not match.
func (q *Query) Excludes() bool { return len(q.not) > 0 }

// Alternatives are, for ranking, each group's alternatives as the OR of
// their lexemes, with the number of the group each belongs to. Ranking a
// group by its best alternative, each normalised by its own length, puts a
// title holding the acronym (TTHC) level with one holding its long form
// (thủ tục hành chính): ranked by Any alone, the long form's four
// syllables outweigh the acronym's one.
func (q *Query) Alternatives() (alts []string, group []int) {
	for gi, g := range q.groups {
		for _, u := range g {
			parts := make([]string, len(u.toks))
			for i, t := range u.toks {
				parts[i] = lexeme(t.Folded)
			}
			alts, group = append(alts, strings.Join(parts, " | ")), append(group, gi)
		}
	}
	return alts, group
}

// Phrase is the query's words as one phrase (adjacent, in order) when the
// query is two or more plain words; "" otherwise. Results holding the
// phrase rank first.
func (q *Query) Phrase() string {
	parts := make([]string, len(q.words))
	for i, t := range q.words {
		parts[i] = lexeme(t.Folded)
	}
	return strings.Join(parts, " <-> ")
}

// Exact is the words the visitor wrote with diacritics, in their exact
// form, joined by OR, for the exact-diacritics boost; "" when there are
// none (a query without diacritics ranks every spelling alike).
func (q *Query) Exact() string {
	var parts []string
	seen := map[string]bool{}
	for _, g := range q.groups {
		for _, u := range g {
			for _, t := range u.toks {
				if t.HasDiacritics() && !seen[t.Exact] {
					seen[t.Exact] = true
					parts = append(parts, quoteLexeme(t.Exact))
				}
			}
		}
	}
	return strings.Join(parts, " | ")
}

func renderGroup(g []unit) string {
	if len(g) == 1 {
		return renderUnit(g[0])
	}
	parts := make([]string, len(g))
	for i, u := range g {
		parts[i] = renderUnit(u)
	}
	return "(" + strings.Join(parts, " | ") + ")"
}

func renderUnit(u unit) string {
	if len(u.toks) == 1 {
		return lexeme(u.toks[0].Folded)
	}
	parts := make([]string, len(u.toks))
	for i, t := range u.toks {
		parts[i] = lexeme(t.Folded)
	}
	op := " <-> "
	if u.anywhere {
		op = " & "
	}
	return "(" + strings.Join(parts, op) + ")"
}

// lexeme is a folded word of a query for to_tsquery: quoted, and a prefix
// when it is Cyrillic. Russian's Snowball stemmer cuts "портал" to "порта"
// but "порталы" to "портал": as a prefix, the query's stem finds both.
func lexeme(w string) string {
	for _, r := range w {
		if unicode.Is(unicode.Cyrillic, r) {
			return quoteLexeme(w) + ":*"
		}
	}
	return quoteLexeme(w)
}

// quoteLexeme quotes a token for to_tsquery. Tokens are letters and digits
// only (see Tokens), so they hold no quote or backslash; the guard keeps it
// so should that ever change.
func quoteLexeme(s string) string {
	s = strings.NewReplacer(`\`, ``, `'`, ``).Replace(s)
	return "'" + s + "'"
}
