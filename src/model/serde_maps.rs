//! serde helpers shared by the value types.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Reads a map, refusing a repeated key with an error naming it (serde's maps
/// keep the last value of a repeated key). For `deserialize_with`.
pub(crate) fn unique_map<'de, D, K, V>(d: D) -> std::result::Result<BTreeMap<K, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: Deserialize<'de> + Ord + KeyName,
    V: Deserialize<'de>,
{
    struct Map<K, V>(std::marker::PhantomData<(K, V)>);
    impl<'de, K, V> serde::de::Visitor<'de> for Map<K, V>
    where
        K: Deserialize<'de> + Ord + KeyName,
        V: Deserialize<'de>,
    {
        type Value = BTreeMap<K, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<K>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!(
                        "duplicate key `{}`",
                        crate::model::time::clip(key.key_name())
                    )));
                }
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Map(std::marker::PhantomData))
}

/// The name of a map key, for the error on a repeated one.
pub(crate) trait KeyName {
    /// The key as written in the input.
    fn key_name(&self) -> &str;
}

impl KeyName for String {
    fn key_name(&self) -> &str {
        self
    }
}

impl KeyName for crate::consolidation::golden::GoldenField {
    fn key_name(&self) -> &str {
        self.as_str()
    }
}
