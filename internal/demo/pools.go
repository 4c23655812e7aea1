package demo

// NamePools are the demo's name pools, shared with the synthetic data generator (internal/gen) so
// that a generated province draws its people and villages from the same names as the demo town.
// Callers must not modify them.
type NamePools struct {
	Surnames        []string // common surnames…
	SurnameWeights  []int    // …and their relative frequencies (per mille)
	ClanSurnames    []string // the lineages village names are made from
	VillagePrefixes []string
	VillageSuffixes []string
	VillagePlaces   []string               // village names not made from a surname
	GivenNames      map[string][3][]string // by gender "M"/"F" and generation (before 1965, 1965–1989, from 1990)
	MobilePrefixes  []string               // first three digits of mobile numbers
	GridNumerals    []string               // 一 … 六, for 第一网格
}

// Pools returns the demo's name pools.
func Pools() NamePools {
	p := NamePools{
		ClanSurnames:    clanSurnames,
		VillagePrefixes: villagePrefixes,
		VillageSuffixes: villageSuffixes,
		VillagePlaces:   villagePlaces,
		GivenNames:      givenNames,
		MobilePrefixes:  mobilePrefixes,
		GridNumerals:    gridNumerals,
	}
	for _, s := range surnames {
		p.Surnames = append(p.Surnames, s.s)
		p.SurnameWeights = append(p.SurnameWeights, s.w)
	}
	return p
}
