package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/portalhub/portalhub/services/hubread"
)

// categoryJSON is one category in hubctl categories list --json.
type categoryJSON struct {
	Code     string   `json:"code"`
	Kinds    []string `json:"kinds"`
	NameVI   string   `json:"name_vi"`
	NameEN   string   `json:"name_en"`
	NameRU   string   `json:"name_ru"`
	Article8 int      `json:"article8"`
}

// listCategories prints the hub's categories: the codes an item's
// "category" takes, with the kinds each admits.
func listCategories(fs *flag.FlagSet) action {
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	return func(ctx context.Context, s *session) error {
		cs, err := hubread.New(s.store.Pool()).Categories(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			out := make([]categoryJSON, 0, len(cs))
			for _, c := range cs {
				kinds := make([]string, 0, len(c.Kinds))
				for _, k := range c.Kinds {
					kinds = append(kinds, k.String())
				}
				out = append(out, categoryJSON{Code: c.Code, Kinds: kinds, NameVI: c.NameVI, NameEN: c.NameEN, NameRU: c.NameRU, Article8: c.Article8})
			}
			enc := json.NewEncoder(s.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "CODE\tKINDS\tNAME_VI\tNAME_EN")
		for _, c := range cs {
			kinds := make([]string, 0, len(c.Kinds))
			for _, k := range c.Kinds {
				kinds = append(kinds, strings.TrimPrefix(k.String(), "CONTENT_KIND_"))
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", c.Code, orDash(strings.Join(kinds, ",")), c.NameVI, c.NameEN)
		}
		return w.Flush()
	}
}
