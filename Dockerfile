# The ledger service image (used by docker-compose.yml). `npm start` runs infra/entry/main.ts through
# tsx, a devDependency, so `npm ci` installs dev dependencies too (NODE_ENV is set only after it).
FROM node:20-slim

ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app
RUN chown node:node /app
USER node

# dependencies first, so source edits do not invalidate the npm ci layer
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci

COPY --chown=node:node . .

ENV NODE_ENV=production
# HTTP port: an assumption until infra/entry/main.ts fixes it (see docker-compose.yml)
EXPOSE 3000
CMD ["npm", "start"]
