use super::*;

#[test]
fn smoke() {
    let (a, _) = parse(&AddressInput {
        street: "Avenida Valdez 1149, Piso 11 Dpto. B",
        ..AddressInput::default()
    });
    assert_eq!(a.street_name, "Valdez");
}
