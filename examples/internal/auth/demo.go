package auth

// DemoKeys are the demo server's keys, one per role plus a second body
// person and a second citizen for the cross-tenant tests. They are
// printed at start; a deployment loads its own keys instead.
func DemoKeys() map[string]Principal {
	return map[string]Principal{
		"demo-operator":  {Name: "UCC operator", Role: Operator},
		"demo-quality":   {Name: "Quality authority", Role: QualityAuthority},
		"demo-education": {Name: "Education department", Role: BodyPerson, BodyID: "education-department"},
		"demo-registry":  {Name: "Registry office", Role: BodyPerson, BodyID: "registry-office"},
		"demo-citizen":   {Name: "Citizen 900101300017", Role: Citizen, IIN: "900101300017"},
		"demo-citizen2":  {Name: "Citizen 850515400012", Role: Citizen, IIN: "850515400012"},
	}
}
