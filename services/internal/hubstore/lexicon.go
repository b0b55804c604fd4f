package hubstore

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/search"
)

// The text search configurations of the index (migration 00009): folded
// text through portalhub, exact text through portalhub_exact.
const (
	configFolded = "portalhub"
	configExact  = "portalhub_exact"
)

// lexiconSize bounds the words the lexicon keeps per configuration: a
// portal's languages fit many times over; a flood of made-up words empties
// it, never grows it past the bound.
const lexiconSize = 1 << 17

// lexicon holds what PostgreSQL's to_tsvector makes of each word, by
// configuration, so that a document's vectors are assembled in Go
// (search.VectorLiteral) rather than parsed from its text by PostgreSQL:
// that parsing was most of what the index added to a publish (issue 8
// point 6: about 2.8 ms a document). The words are asked of the database
// the index is written to, so the lexemes are its stemmers' own; the
// configurations are the migrations', the same in every hub database, and
// a change of them changes IndexVersion and this program.
var lexicon struct {
	sync.RWMutex
	m map[string]map[string][]search.Lexeme
}

// lexemes are the lexemes of words, by configuration and word.
type lexemes map[string]map[string][]search.Lexeme

// of returns the lexemes of a word in config, for search.VectorLiteral.
func (l lexemes) of(config string) func(string) []search.Lexeme {
	m := l[config]
	return func(word string) []search.Lexeme { return m[word] }
}

// lexemesOf returns the lexemes of words (by configuration): those the
// lexicon holds, and the others asked of the database in tx in one
// statement and kept. A word without lexemes is kept as one.
func lexemesOf(ctx context.Context, tx pgx.Tx, words map[string][]string) (lexemes, error) {
	out := lexemes{}
	var configs, missing []string
	lexicon.RLock()
	for config, ws := range words {
		known := lexicon.m[config]
		mine := make(map[string][]search.Lexeme, len(ws))
		out[config] = mine
		for _, w := range ws {
			if l, ok := known[w]; ok {
				mine[w] = l
			} else {
				configs, missing = append(configs, config), append(missing, w)
			}
		}
	}
	lexicon.RUnlock()
	if len(missing) == 0 {
		return out, nil
	}
	rows, err := tx.Query(ctx, `SELECT k.c, k.w, u.lexeme, p
		FROM unnest($1::text[], $2::text[]) k (c, w)
		LEFT JOIN LATERAL unnest(to_tsvector(k.c::regconfig, k.w)) u ON true
		LEFT JOIN LATERAL unnest(u.positions) p ON true
		ORDER BY k.c, k.w, p, u.lexeme`, configs, missing)
	if err != nil {
		return nil, err
	}
	learnt := lexemes{}
	for rows.Next() {
		var config, word string
		var lexeme *string
		var pos *int16
		if err := rows.Scan(&config, &word, &lexeme, &pos); err != nil {
			rows.Close()
			return nil, err
		}
		if learnt[config] == nil {
			learnt[config] = map[string][]search.Lexeme{}
		}
		l := learnt[config][word]
		if lexeme != nil && pos != nil {
			l = append(l, search.Lexeme{Word: *lexeme, Pos: int(*pos)})
		}
		learnt[config][word] = l
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	lexicon.Lock()
	defer lexicon.Unlock()
	if lexicon.m == nil {
		lexicon.m = map[string]map[string][]search.Lexeme{}
	}
	for config, ws := range learnt {
		m := lexicon.m[config]
		for w, l := range ws {
			if m == nil || len(m) >= lexiconSize {
				m = make(map[string][]search.Lexeme, 1024)
				lexicon.m[config] = m
			}
			m[w] = l
			out[config][w] = l
		}
	}
	return out, nil
}
