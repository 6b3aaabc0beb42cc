//! Colours as print gives them: cyan, magenta, yellow and black. Themes
//! name them, the document model and the layout carry them, and the PDF
//! stage writes them (or their RGB for a screen build).

/// A colour as cyan, magenta, yellow and black, each 0–1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cmyk {
    pub c: f32,
    pub m: f32,
    pub y: f32,
    pub k: f32,
}

impl Cmyk {
    pub const BLACK: Cmyk = Cmyk {
        c: 0.0,
        m: 0.0,
        y: 0.0,
        k: 1.0,
    };
    pub const WHITE: Cmyk = Cmyk {
        c: 0.0,
        m: 0.0,
        y: 0.0,
        k: 0.0,
    };

    /// A plain conversion for screen output.
    pub fn to_rgb(self) -> (u8, u8, u8) {
        let f = |x: f32| {
            ((1.0 - x) * (1.0 - self.k) * 255.0)
                .round()
                .clamp(0.0, 255.0) as u8
        };
        (f(self.c), f(self.m), f(self.y))
    }
}
