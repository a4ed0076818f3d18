//! The engine's [`Limits`]: set with [`Engine::set_limits`], read by every call
//! that checks an input.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::Engine;
use crate::error::Result;
use crate::model::limits::Limits;

/// The limits of an engine, one atomic per limit, so that reading them on every
/// call takes no lock and makes no thread wait.
#[derive(Debug)]
pub(super) struct EngineLimits([AtomicUsize; 7]);

impl EngineLimits {
    pub(super) fn new(limits: Limits) -> EngineLimits {
        let l = EngineLimits(Default::default());
        l.store(limits);
        l
    }

    fn store(&self, l: Limits) {
        let values = [
            l.event_json_bytes,
            l.attributes,
            l.attribute_key_bytes,
            l.attribute_value_bytes,
            l.record_json_bytes,
            l.record_field_bytes,
            l.hierarchy_depth,
        ];
        for (slot, value) in self.0.iter().zip(values) {
            slot.store(value, Ordering::Relaxed);
        }
    }

    fn load(&self) -> Limits {
        let v = |i: usize| self.0[i].load(Ordering::Relaxed);
        Limits {
            event_json_bytes: v(0),
            attributes: v(1),
            attribute_key_bytes: v(2),
            attribute_value_bytes: v(3),
            record_json_bytes: v(4),
            record_field_bytes: v(5),
            hierarchy_depth: v(6),
        }
    }
}

impl Default for EngineLimits {
    fn default() -> EngineLimits {
        EngineLimits::new(Limits::DEFAULT)
    }
}

impl Engine {
    /// The engine's limits (the defaults until [`Engine::set_limits`]).
    pub fn limits(&self) -> Limits {
        self.limits.load()
    }

    /// Sets the engine's limits, for the calls that start after it returns; what
    /// the engine already holds is kept (an event applied under a larger limit
    /// stays, a hierarchy deeper than a new depth limit stays, but no link may
    /// make it deeper). The limits are not part of a snapshot: set them again
    /// after [`Engine::restore`]. Thread-safe; a call running at the same moment
    /// may see some limits old and some new.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) naming the limit, for one that is
    /// 0 or above [`Limits::MAX`]. Nothing changes on an error.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::model::Limits;
    /// use ciclo::Engine;
    ///
    /// let engine = Engine::new(ciclo::StageModel::six_stage());
    /// engine.set_limits(Limits { attributes: 16, ..Limits::default() })?;
    /// assert_eq!(engine.limits().attributes, 16);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn set_limits(&self, limits: Limits) -> Result<()> {
        limits.validate()?;
        self.limits.store(limits);
        Ok(())
    }
}
