package console

import (
	"embed"
	"io/fs"

	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/stafftext"
)

//go:embed i18n/*.json
var catalogueFS embed.FS

// Languages of the console, Vietnamese first (the default).
var Languages = []string{"vi", "en"}

const defaultLang = stafftext.Default

// catalogues are the console's messages; stafftext holds how they are used.
type catalogues stafftext.Catalogues

func loadCatalogues() (catalogues, error) {
	sub, err := fs.Sub(catalogueFS, "i18n")
	if err != nil {
		return nil, err
	}
	c, err := stafftext.Load(sub, Languages)
	return catalogues(c), err
}

// Localizer renders the console's messages, dates and numbers in one
// language (stafftext's), and what only the console names.
type Localizer struct{ *stafftext.Localizer }

func (c catalogues) For(lang string) *Localizer {
	return &Localizer{stafftext.Catalogues(c).For(lang)}
}

// Status names a compliance status.
func (l *Localizer) Status(s compliance.Status) string { return l.T("compliance.status." + string(s)) }
