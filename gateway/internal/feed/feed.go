// Package feed writes RSS 2.0 and Atom 1.0 feeds of the portal's items.
//
// It is written on encoding/xml rather than on a feed library:
// gorilla/feeds (the well-kept one) cannot set what validators and feed
// readers expect of these feeds. Its RSS channel has no atom:link
// rel="self" (the W3C validator's recommendation), and no way to declare
// that namespace; its Atom feed holds one link, so not both rel="self" and
// rel="alternate"; neither format carries the language of a feed or entry
// (xml:lang), which a trilingual portal whose untranslated items fall back
// to Vietnamese needs; and its RSS author must be an e-mail address. The
// formats are small; what is written is checked in tests by parsing it with
// a real feed parser (mmcdole/gofeed) and against golden files.
package feed

import "time"

// Feed is a list of entries, newest first, in one language.
type Feed struct {
	Title    string
	Subtitle string
	// Lang is the feed's language (vi, en, ru).
	Lang string
	// Link is the absolute URL of the page the feed follows; Self the
	// feed's own, in the format being written.
	Link, Self string
	// ID is the feed's permanent identifier (Atom id).
	ID string
	// Updated is when an entry last changed (the newest entry's Updated);
	// a feed without entries takes the zero time's place with Updated as
	// given.
	Updated time.Time
	// Author names who publishes the feed (the portal or a sub-portal).
	Author string
	Rights string
	// Generator names the software.
	Generator string
	Entries   []Entry
}

// Entry is one item in a feed.
type Entry struct {
	// ID is the entry's permanent identifier: it does not change when the
	// item's slug or text does.
	ID    string
	Title string
	// Lang is the language of the entry's text, when it is not the feed's
	// (an untranslated item's Vietnamese text).
	Lang string
	// Link is the absolute URL of the item's page.
	Link string
	// Summary is plain text; Content the body's (sanitised) HTML.
	Summary, Content   string
	Published, Updated time.Time
	// Author names the sub-portal that published it.
	Author     string
	Categories []Category
	Enclosures []Enclosure
}

// Category is a category of an entry: its code and its name.
type Category struct {
	Term, Label string
}

// Enclosure is an attached file.
type Enclosure struct {
	URL, Type string
	Length    int64
}

// hcmc is the time zone the portal's dates are written in.
var hcmc = mustLocation("Asia/Ho_Chi_Minh")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // the gateway links time/tzdata
	}
	return loc
}
