package search

import (
	_ "embed"
	"fmt"
	"strings"
)

// SynonymsFile is the list of acronyms, synonyms and former unit names (see
// synonyms.txt): the hub loads it into its search_synonyms table, and the
// readers build Synonyms from that table.
//
//go:embed synonyms.txt
var SynonymsFile string

// maxSynonymTokens bounds the words of one form.
const maxSynonymTokens = 8

// Synonym says that a query holding From also looks for To. From and To are
// folded words, one space apart.
type Synonym struct {
	From, To string
}

// ParseSynonyms reads a list in the format of synonyms.txt into one
// Synonym per direction: "A = B" gives A→B and B→A, "A -> B" gives A→B.
func ParseSynonyms(text string) ([]Synonym, error) {
	var out []Synonym
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		oneWay := false
		var forms []string
		switch {
		case strings.Contains(line, "->"):
			oneWay, forms = true, strings.Split(line, "->")
		case strings.Contains(line, "→"):
			oneWay, forms = true, strings.Split(line, "→")
		default:
			forms = strings.Split(line, "=")
		}
		if len(forms) < 2 || (oneWay && len(forms) != 2) {
			return nil, fmt.Errorf("synonyms line %d: want \"A = B\" or \"A -> B\", got %q", n+1, line)
		}
		folded := make([]string, len(forms))
		for i, f := range forms {
			toks, _ := Tokens(f)
			if len(toks) == 0 || len(toks) > maxSynonymTokens {
				return nil, fmt.Errorf("synonyms line %d: form %q must have 1 to %d words", n+1, strings.TrimSpace(f), maxSynonymTokens)
			}
			folded[i] = JoinFolded(toks)
		}
		for i := range folded {
			for j := range folded {
				if i != j && folded[i] != folded[j] && (!oneWay || i == 0) {
					out = append(out, Synonym{From: folded[i], To: folded[j]})
				}
			}
		}
	}
	return out, nil
}

// Synonyms expands the words of a query into their other forms.
type Synonyms struct {
	to      map[string][]string // folded form -> the forms it also finds
	longest int                 // the most words of a form
}

// NewSynonyms indexes a list for Parse.
func NewSynonyms(list []Synonym) *Synonyms {
	s := &Synonyms{to: map[string][]string{}}
	for _, syn := range list {
		s.to[syn.From] = append(s.to[syn.From], syn.To)
		if n := strings.Count(syn.From, " ") + 1; n > s.longest {
			s.longest = n
		}
	}
	return s
}

// expand replaces every run of plain single-word groups that spells a form
// of the list (longest first), and every phrase that is one, by
// alternatives: the words as typed or any other form.
func (s *Synonyms) expand(groups [][]unit) [][]unit {
	var out [][]unit
	for i := 0; i < len(groups); {
		g := groups[i]
		if len(g) == 1 && len(g[0].toks) > 1 {
			if alts := s.alternatives(g[0].toks); alts != nil {
				out = append(out, alts)
				i++
				continue
			}
		}
		matched := false
		for n := min(s.longest, len(groups)-i); n >= 1 && !matched; n-- {
			toks, ok := plainRun(groups[i : i+n])
			if !ok {
				continue
			}
			if alts := s.alternatives(toks); alts != nil {
				// Typed as separate words, they match as such too.
				alts[0].anywhere = true
				out = append(out, alts)
				i += n
				matched = true
			}
		}
		if !matched {
			out = append(out, g)
			i++
		}
	}
	return out
}

// plainRun returns the words of groups that are each one single word.
func plainRun(groups [][]unit) ([]Token, bool) {
	var toks []Token
	for _, g := range groups {
		if len(g) != 1 || len(g[0].toks) != 1 {
			return nil, false
		}
		toks = append(toks, g[0].toks[0])
	}
	return toks, true
}

// alternatives is the group of toks and its other forms, or nil when toks
// spell no form of the list.
func (s *Synonyms) alternatives(toks []Token) []unit {
	others := s.to[JoinFolded(toks)]
	if len(others) == 0 {
		return nil
	}
	alts := []unit{{toks: toks}}
	for _, o := range others {
		ot, _ := Tokens(o)
		alts = append(alts, unit{toks: ot})
	}
	return alts
}
