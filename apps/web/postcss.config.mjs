// Tailwind 4 is CSS-first: the tokens and sources live in app/globals.css.
const config = {
  plugins: {
    '@tailwindcss/postcss': {},
  },
};

export default config;
