use cors_runtime::cors;

#[cors]
struct Handler;

#[cors]
const ORIGINS: &str = "https://app.example.com";

fn main() {
    let _ = Handler;
    let _ = ORIGINS;
}
